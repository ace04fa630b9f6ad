import type { Problem } from './types';

/** An answer other than 2xx: the RFC 9457 problem the API sent, or one made up for a non-problem body. */
export class PlugboardApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: { pointer: string; detail: string }[];
  readonly requestId: string | undefined;
  /** When a RateLimited call may be retried. */
  readonly retryAt: Date | undefined;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(`${problem.code} (${problem.status}): ${problem.detail}`);
    this.name = 'PlugboardApiError';
    this.problem = problem;
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.requestId = problem.requestId || undefined;
    this.retryAt = problem.retryAt ? new Date(problem.retryAt) : undefined;
  }
}

const isProblem = (body: unknown): body is Problem =>
  typeof body === 'object' &&
  body !== null &&
  typeof (body as Problem).status === 'number' &&
  typeof (body as Problem).code === 'string';

/**
 * API Gateway's own refusals (`{"message": …}`: a signature or token it refused, its throttling,
 * its timeout) named with the platform's codes for those statuses.
 */
const GATEWAY_CODES: Readonly<Record<number, string>> = {
  401: 'Unauthenticated',
  403: 'Forbidden',
  429: 'RateLimited',
  503: 'Unavailable',
  504: 'Timeout',
};

const gatewayMessage = (body: unknown): string | undefined => {
  const message = (body as { message?: unknown } | null)?.message;
  return typeof body === 'object' && typeof message === 'string' ? message : undefined;
};

/** The error for a failed response; a body that is not a problem (a proxy's page, say) still gives one. */
export function apiErrorFrom(
  status: number,
  body: unknown,
  text: string,
  requestId: string | null,
): PlugboardApiError {
  if (isProblem(body)) return new PlugboardApiError(body);
  const message = gatewayMessage(body);
  return new PlugboardApiError({
    type: 'about:blank',
    title: `HTTP ${status}`,
    status,
    code: (message !== undefined ? GATEWAY_CODES[status] : undefined) ?? `Http${status}`,
    detail:
      message?.slice(0, 200) || text.slice(0, 200) || `the API answered ${status} without a problem document`,
    requestId: requestId ?? '',
  });
}

/** A response's body as JSON, or undefined when it has none or it is not JSON (a proxy's page, say). */
export function jsonBody(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
