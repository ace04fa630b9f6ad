import { PlugboardError } from '../../sdk/errors';

/**
 * Request headers a browser app may set. Beyond what the API reads (the bearer token, JSON bodies,
 * `If-Match`), `Idempotency-Key` is here because generic HTTP clients send it on retried POSTs and a
 * preflight that refused it would fail the call, and the `x-amz-*` ones because on AWS the API takes
 * SigV4 by default, which a browser signing with temporary credentials sends.
 */
export const CORS_ALLOW_HEADERS: readonly string[] = [
  'authorization',
  'content-type',
  'idempotency-key',
  'if-match',
  'x-amz-content-sha256',
  'x-amz-date',
  'x-amz-security-token',
];
/** OPTIONS is left out: a browser never preflights a preflight. */
export const CORS_ALLOW_METHODS: readonly string[] = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'];
/**
 * Response headers a client reads beyond the CORS-safelisted ones: the request id to quote, an
 * instance's version for `If-Match`, where a created resource lives, when to retry a 429, what a 401
 * wants and, on a 405, which methods the path takes.
 */
export const CORS_EXPOSE_HEADERS: readonly string[] = [
  'allow',
  'etag',
  'location',
  'retry-after',
  'www-authenticate',
  'x-request-id',
];
/** Short enough that a changed origin list reaches browsers within minutes; Chromium caps it at 2 h anyway. */
export const CORS_MAX_AGE_SECONDS = 600;

/**
 * An allowed origin as browsers serialize the `Origin` header (lower-case scheme and host, no default
 * port, no trailing slash), so the comparison with a request's header can be exact: a configured
 * `https://Console.example.com/` still matches, while a request whose header differs in any way
 * (which no browser sends) is not mistaken for an allowed one. `*` is refused: the API is called
 * with an Authorization header, and which origins may send it is what the list is for.
 */
export function corsOrigin(value: string): string {
  const refuse = (why: string) => new Error(`CORS origin "${value}" ${why}`);
  if (value.trim() === '*') throw refuse('is a wildcard: list each origin allowed to call the API');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw refuse('is not a URL origin such as https://console.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('is not http or https');
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash || /[?#]/.test(value))
    throw refuse('has more than a scheme, host and port');
  return url.origin;
}

/** A comma-separated list of origins, as the `PLUGBOARD_CORS_ORIGINS` setting holds it locally and on Lambda. */
export function corsOriginList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean)
    .map(corsOrigin);
}

/**
 * Cross-origin access for browser apps on the origins listed, as API Gateway's CORS configuration
 * of the HTTP API gives it on AWS (see PlatformApi), so the local platform answers a browser the
 * same way: API Gateway answers preflights itself and adds its headers to every response,
 * replacing whatever CORS headers the integration sent.
 */
export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins.map(corsOrigin));
  }

  /** A preflight is known by its two headers: a bare OPTIONS is an ordinary request (and a 405). */
  isPreflight(method: string, headers: Headers): boolean {
    return method === 'OPTIONS' && headers.has('origin') && headers.has('access-control-request-method');
  }

  /**
   * The answer to a preflight: it needs no token, as browsers never send one on a preflight. An
   * origin not listed is refused with a problem rather than a 204 without headers, so that the
   * refusal shows as one in the browser's network log.
   */
  preflight(headers: Headers): Response {
    const origin = headers.get('origin') ?? '';
    if (!this.origins.has(origin))
      throw new PlugboardError('Forbidden', 'the Origin is not one this API allows cross-origin calls from');
    return new Response(null, {
      status: 204,
      headers: {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': CORS_ALLOW_METHODS.join(', '),
        'access-control-allow-headers': CORS_ALLOW_HEADERS.join(', '),
        'access-control-expose-headers': CORS_EXPOSE_HEADERS.join(', '),
        'access-control-max-age': String(CORS_MAX_AGE_SECONDS),
        vary: 'Origin',
      },
    });
  }

  /**
   * Sets the CORS headers of an actual response (errors included: a browser hides from the app any
   * response without them, so a 401 would read as a network failure). The response's own CORS
   * headers go first, as API Gateway ignores an integration's: a plugin API cannot widen access
   * locally that it could not on AWS. Safe to run twice on one response.
   */
  decorate(requestHeaders: Headers, response: Headers): void {
    for (const name of [...response.keys()]) if (name.startsWith('access-control-')) response.delete(name);
    // On every response, allowed or not: what a cache keeps for one origin must not serve another.
    const vary = response.get('vary');
    if (!vary) response.set('vary', 'Origin');
    else if (!/(^|,)\s*(origin|\*)\s*(,|$)/i.test(vary)) response.set('vary', `${vary}, Origin`);
    const origin = requestHeaders.get('origin');
    if (origin === null || !this.origins.has(origin)) return;
    response.set('access-control-allow-origin', origin);
    response.set('access-control-expose-headers', CORS_EXPOSE_HEADERS.join(', '));
  }
}
