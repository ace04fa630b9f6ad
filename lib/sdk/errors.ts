/**
 * Every error the platform can answer with has a stable code; this table is the one place that maps
 * a code to its HTTP status and title (DESIGN.md §5). Plugins throw the classes below; the runtime
 * turns them into error envelopes and the dispatcher into RFC 9457 problems.
 */
export const ERROR_TABLE = {
  Validation: { status: 400, title: 'Request is not valid' },
  Unauthenticated: { status: 401, title: 'Authentication required' },
  Forbidden: { status: 403, title: 'Forbidden' },
  AuthorizerDenied: { status: 403, title: 'An authorizer denied the call' },
  NotFound: { status: 404, title: 'Not found' },
  MethodNotAllowed: { status: 405, title: 'Method not allowed' },
  CredentialsMissing: { status: 409, title: 'Credentials are missing' },
  OptionsOutdated: { status: 409, title: "Options do not fit the plugin's current version" },
  NameTaken: { status: 409, title: 'Name already taken' },
  InUse: { status: 409, title: 'Still in use' },
  CursorExpired: { status: 410, title: 'Cursor expired' },
  VersionConflict: { status: 412, title: 'Version conflict' },
  PayloadTooLarge: { status: 413, title: 'Payload too large' },
  UnsupportedMediaType: { status: 415, title: 'Unsupported media type' },
  PreHookVetoed: { status: 424, title: 'A pre-hook vetoed the call' },
  PreconditionRequired: { status: 428, title: 'If-Match header required' },
  HeadersTooLarge: { status: 431, title: 'Request header fields too large' },
  RateLimited: { status: 429, title: 'Rate limited' },
  Internal: { status: 500, title: 'Internal error' },
  PluginFailed: { status: 502, title: 'The plugin failed' },
  AuthenticationFailed: { status: 502, title: 'The plugin could not authenticate upstream' },
  Unavailable: { status: 503, title: 'Unavailable' },
  Timeout: { status: 504, title: 'The plugin timed out' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_TABLE;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_TABLE, value);
}

export function statusOf(code: ErrorCode): number {
  return ERROR_TABLE[code].status;
}

/** One validation failure, located by a JSON pointer into the request (RFC 6901). */
export interface FieldError {
  pointer: string;
  detail: string;
}

export interface PlugboardErrorOptions {
  retryAt?: Date | undefined;
  errors?: FieldError[] | undefined;
  details?: Record<string, unknown> | undefined;
}

/** Base of every typed error: a stable `code`, a message safe to show a client. */
export class PlugboardError extends Error {
  readonly code: ErrorCode;
  readonly retryAt: Date | undefined;
  readonly errors: FieldError[] | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: PlugboardErrorOptions = {}) {
    super(message);
    this.name = `${code}Error`;
    this.code = code;
    // An invalid Date would throw where the time is written out (an answer, a problem, Retry-After).
    // Not a Date at all from a plain-JS plugin, or one with its arguments swapped.
    this.retryAt =
      options.retryAt instanceof Date && !Number.isNaN(options.retryAt.getTime())
        ? options.retryAt
        : undefined;
    this.errors = options.errors;
    this.details = options.details;
  }

  get status(): number {
    return statusOf(this.code);
  }
}

export class ValidationError extends PlugboardError {
  constructor(message: string, errors?: FieldError[]) {
    super('Validation', message, { errors });
  }
}
export class CredentialsMissingError extends PlugboardError {
  constructor(message = 'the instance has no credentials set') {
    super('CredentialsMissing', message);
  }
}
export class AuthenticationFailedError extends PlugboardError {
  constructor(message = 'the upstream service rejected the credentials') {
    super('AuthenticationFailed', message);
  }
}
export class RateLimitedError extends PlugboardError {
  constructor(retryAt: Date, message = 'rate limited upstream') {
    super('RateLimited', message, { retryAt });
  }
}
export class TimeoutError extends PlugboardError {
  constructor(message = 'the operation timed out') {
    super('Timeout', message);
  }
}
export class UnavailableError extends PlugboardError {
  constructor(message = 'the upstream service is unavailable') {
    super('Unavailable', message);
  }
}
export class CursorExpiredError extends PlugboardError {
  constructor(message = 'the cursor has expired; start the search again') {
    super('CursorExpired', message);
  }
}
export class NotFoundError extends PlugboardError {
  constructor(message = 'not found') {
    super('NotFound', message);
  }
}
