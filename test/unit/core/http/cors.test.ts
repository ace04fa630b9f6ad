import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CorsPolicy, corsOrigin, corsOriginList } from '../../../../lib/core/http/cors';
import { PlugboardError } from '../../../../lib/sdk/errors';

const allowOriginFor = (policy: CorsPolicy, origin: string): string | null => {
  const response = new Headers();
  policy.decorate(new Headers({ origin }), response);
  return response.get('access-control-allow-origin');
};
const preflightFrom = (policy: CorsPolicy, origin: string): number => {
  try {
    return policy.preflight(new Headers({ origin, 'access-control-request-method': 'POST' })).status;
  } catch (error) {
    return (error as PlugboardError).status;
  }
};

/** An origin as a browser serializes it: lower-case, no default port, no trailing slash. */
const browserOrigin = fc
  .record({
    scheme: fc.constantFrom('http', 'https'),
    host: fc.oneof(fc.domain(), fc.ipV4()),
    port: fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined }),
  })
  .map(({ scheme, host, port }) => new URL(`${scheme}://${host}${port ? `:${port}` : ''}`).origin);

/** What an attacker's page or a careless config could put next to an allowed origin. */
const variant = (origin: string) =>
  fc.oneof(
    fc
      .nat({ max: origin.length - 1 })
      .map((at) => origin.slice(0, at) + origin[at]!.toUpperCase() + origin.slice(at + 1)),
    fc.constant(origin.toUpperCase()),
    fc.constant(`${origin}/`),
    fc.constant(`${origin}/app`),
    fc.constant(`${origin}.evil.example`),
    fc.constant(origin.replace('://', '://evil')),
    fc.constant(origin.replace('://', '://evil.')),
    fc.constant(
      origin.startsWith('https:') ? origin.replace('https:', 'http:') : origin.replace('http:', 'https:'),
    ),
    fc.constant(`${origin}:1`),
    fc.constant(origin.slice(0, -1)),
    fc.constant('null'),
  );

describe('CorsPolicy', () => {
  it('allows exactly the configured origins, and no case, slash, scheme, port or host variation of one', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(browserOrigin, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        fc.context(),
        (origins, pick, ctx) => {
          const policy = new CorsPolicy(origins);
          const allowed = origins[pick % origins.length]!;
          expect(allowOriginFor(policy, allowed)).toBe(allowed);
          expect(preflightFrom(policy, allowed)).toBe(204);
          fc.assert(
            fc.property(variant(allowed), (candidate) => {
              ctx.log(candidate);
              const listed = origins.includes(candidate);
              expect(allowOriginFor(policy, candidate)).toBe(listed ? candidate : null);
              expect(preflightFrom(policy, candidate)).toBe(listed ? 204 : 403);
            }),
            { numRuns: 20 },
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('takes a configured origin as typed (capitals, a trailing slash, a default port) as the one browsers send', () => {
    fc.assert(
      fc.property(browserOrigin, (origin) => {
        const url = new URL(origin);
        const typed = `${url.protocol}//${url.host.toUpperCase()}${url.port ? '' : url.protocol === 'https:' ? ':443' : ':80'}/`;
        const policy = new CorsPolicy([typed]);
        expect(allowOriginFor(policy, origin)).toBe(origin);
        expect(allowOriginFor(policy, typed)).toBeNull();
      }),
    );
  });

  it('answers a preflight from a listed origin with 204 and every CORS header, and refuses another with 403', () => {
    const policy = new CorsPolicy(['https://console.example.com']);
    const answer = policy.preflight(
      new Headers({ origin: 'https://console.example.com', 'access-control-request-method': 'PATCH' }),
    );
    expect(answer.status).toBe(204);
    expect(Object.fromEntries(answer.headers)).toEqual({
      'access-control-allow-origin': 'https://console.example.com',
      'access-control-allow-methods': 'DELETE, GET, HEAD, PATCH, POST, PUT',
      'access-control-allow-headers':
        'authorization, content-type, idempotency-key, if-match, x-amz-content-sha256, x-amz-date, x-amz-security-token',
      'access-control-expose-headers': 'allow, etag, location, retry-after, www-authenticate, x-request-id',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(() =>
      policy.preflight(
        new Headers({ origin: 'https://other.example.com', 'access-control-request-method': 'GET' }),
      ),
    ).toThrow(PlugboardError);
  });

  it('knows a preflight by its Origin and Access-Control-Request-Method, not by OPTIONS alone', () => {
    const policy = new CorsPolicy(['https://console.example.com']);
    const origin = 'https://console.example.com';
    expect(
      policy.isPreflight('OPTIONS', new Headers({ origin, 'access-control-request-method': 'GET' })),
    ).toBe(true);
    expect(policy.isPreflight('OPTIONS', new Headers({ origin }))).toBe(false);
    expect(policy.isPreflight('OPTIONS', new Headers({ 'access-control-request-method': 'GET' }))).toBe(
      false,
    );
    expect(policy.isPreflight('GET', new Headers({ origin, 'access-control-request-method': 'GET' }))).toBe(
      false,
    );
  });

  it("replaces a response's own CORS headers, as API Gateway does, keeps its Vary and can run twice", () => {
    const policy = new CorsPolicy(['https://console.example.com']);
    const response = new Headers({
      'access-control-allow-origin': '*',
      'access-control-allow-credentials': 'true',
      vary: 'Accept-Encoding',
    });
    const request = new Headers({ origin: 'https://console.example.com' });
    policy.decorate(request, response);
    policy.decorate(request, response);
    expect(response.get('access-control-allow-origin')).toBe('https://console.example.com');
    expect(response.has('access-control-allow-credentials')).toBe(false);
    expect(response.get('vary')).toBe('Accept-Encoding, Origin');

    const other = new Headers({ 'access-control-allow-origin': '*' });
    policy.decorate(new Headers({ origin: 'https://other.example.com' }), other);
    expect([...other.keys()]).toEqual(['vary']);
  });
});

describe('corsOrigin', () => {
  it('refuses what is not a bare http(s) origin, saying why', () => {
    expect(() => corsOrigin('*')).toThrow(/wildcard/);
    expect(() => corsOrigin('console.example.com')).toThrow(/not a URL origin/);
    expect(() => corsOrigin('ftp://console.example.com')).toThrow(/not http or https/);
    for (const value of [
      'https://console.example.com/app',
      'https://a@console.example.com',
      'https://console.example.com/?x',
      'https://console.example.com#',
    ])
      expect(() => corsOrigin(value), value).toThrow(/more than a scheme, host and port/);
  });

  it('reads a comma-separated list, blanks ignored', () => {
    expect(corsOriginList(' https://A.example.com/ ,, http://127.0.0.1:5173 ')).toEqual([
      'https://a.example.com',
      'http://127.0.0.1:5173',
    ]);
    expect(corsOriginList(undefined)).toEqual([]);
  });
});
