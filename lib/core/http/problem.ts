import { HTTPException } from 'hono/http-exception';
import { ERROR_TABLE, type ErrorCode, type FieldError, PlugboardError } from '../../sdk/errors';

/** An RFC 9457 problem document, with Plugboard's `code`, `requestId` and field `errors`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId: string;
  errors?: FieldError[] | undefined;
  retryAt?: string | undefined;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const problemType = (code: ErrorCode): string => `urn:plugboard:problem:${code}`;

const HTTP_STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  400: 'Validation',
  401: 'Unauthenticated',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
};

/** Any thrown value as a problem. Unknown errors become a bare 500 that names nothing internal. */
export function toProblem(error: unknown, requestId: string): Problem {
  if (error instanceof PlugboardError) {
    return {
      type: problemType(error.code),
      title: ERROR_TABLE[error.code].title,
      status: error.status,
      detail: error.message,
      code: error.code,
      requestId,
      errors: error.errors,
      retryAt: error.retryAt?.toISOString(),
    };
  }
  if (error instanceof HTTPException) {
    const code = HTTP_STATUS_CODES[error.status] ?? 'Validation';
    const detail =
      error.status === 400 ? 'the request body is not valid JSON' : error.message || ERROR_TABLE[code].title;
    return toProblem(new PlugboardError(code, detail), requestId);
  }
  return toProblem(
    new PlugboardError('Internal', 'an unexpected error occurred; quote the requestId'),
    requestId,
  );
}

/** The problem as an HTTP response; RateLimited carries Retry-After in seconds. */
export function problemResponse(problem: Problem): Response {
  const headers: Record<string, string> = { 'content-type': PROBLEM_CONTENT_TYPE };
  if (problem.retryAt) {
    headers['retry-after'] = String(
      Math.max(1, Math.ceil((Date.parse(problem.retryAt) - Date.now()) / 1000)),
    );
  }
  const body = Object.fromEntries(Object.entries(problem).filter(([, v]) => v !== undefined));
  return new Response(JSON.stringify(body), { status: problem.status, headers });
}
