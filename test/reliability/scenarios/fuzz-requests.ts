import fc from 'fast-check';

/** One HTTP request the fuzzer sends; `path` is already encoded. */
export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | undefined;
}

export interface Route {
  method: string;
  /** OpenAPI template, e.g. /v1/instances/{name} */
  template: string;
  /** Property names of the JSON body schema, to build bodies that get past the first checks. */
  bodyKeys: string[];
}

// biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document is read as plain JSON
type OpenApiDoc = any;

/** Every operation of the served OpenAPI document, plus the routes it cannot describe fully. */
export function routesOf(doc: OpenApiDoc): Route[] {
  const routes: Route[] = [];
  for (const [template, operations] of Object.entries<Record<string, OpenApiDoc>>(doc.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      let schema = operation.requestBody?.content?.['application/json']?.schema;
      if (schema?.$ref) schema = doc.components.schemas[String(schema.$ref).split('/').pop() as string];
      routes.push({
        method: method.toUpperCase(),
        template,
        bodyKeys: Object.keys(schema?.properties ?? {}),
      });
    }
  }
  // The passthrough takes any method; the document names one.
  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH'])
    routes.push({ method, template: '/v1/plugin-apis/{instance}/{proxy}', bodyKeys: [] });
  return routes;
}

/** Names a path parameter can take: real ones, and every kind of hostile one. */
function segment(known: readonly string[]): fc.Arbitrary<string> {
  const encoded = (a: fc.Arbitrary<string>) => a.map(encodeURIComponent);
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: encoded(fc.string({ maxLength: 40 })) },
    { weight: 2, arbitrary: encoded(fc.string({ unit: 'grapheme', maxLength: 20 })) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        '..%2F..%2Fetc%2Fpasswd',
        '..%2Fkeep-echo',
        '%2e%2e%2fkeep-kv',
        'keep-echo%00',
        '%00',
        '..',
        '.',
        '%2F',
        'keep-echo%2F..%2Fkeep-kv',
        '%E2%80%AE',
        '%C0%AE%C0%AE%2F',
        '%ZZ',
        '%',
        'a'.repeat(5_000),
        encodeURIComponent('x'.repeat(300)),
      ),
    },
    {
      // Names every object inherits, as often as a real name of one kind: an operation named
      // `constructor` reached Object.prototype through the manifest's aliases and answered 500.
      weight: 2,
      arbitrary: fc.constantFrom('constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__'),
    },
  );
}

/** Any JSON, deep nesting and big strings included. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 2_000 }).map((depth) => nest(depth)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(null, -1, 1e308, 0.5, '', [], {}, { __proto__: { admin: true } }, ['a']),
  },
);

function nest(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** Bodies shaped like the route's schema (known keys, wild values), any JSON, or no JSON at all. */
function bodyFor(route: Route, names: fc.Arbitrary<string>): fc.Arbitrary<string | undefined> {
  const shaped =
    route.bodyKeys.length === 0
      ? anyJson
      : fc.dictionary(
          fc.oneof(
            { weight: 8, arbitrary: fc.constantFrom(...route.bodyKeys) },
            { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
          ),
          fc.oneof(anyJson, names.map(decodeSafely)),
          { maxKeys: route.bodyKeys.length + 1 },
        );
  return fc.oneof(
    { weight: 6, arbitrary: shaped.map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.string({ maxLength: 100 }),
        fc.constantFrom('{', '{"a":', '[1,2', '{"a":1}garbage', 'null', '"str"', '\u0000', '{"a":"\\ud800"}'),
        fc.integer({ min: 1_000, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
        fc.integer({ min: 1_000, max: 20_000 }).map((depth) => '{"a":'.repeat(depth)),
      ),
    },
  );
}

const decodeSafely = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

const QUERY_VALUES = ['-1', '0', '1001', 'abc', '1e9', '', '%00', '..%2F', 'a'.repeat(10_000), '%ZZ', '[]'];
const query = fc.oneof(
  { weight: 3, arbitrary: fc.constant('') },
  {
    weight: 2,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.constantFrom(
            'limit',
            'cursor',
            'topic',
            'detail',
            'from',
            'to',
            'prefix',
            'x',
            'since',
            'until',
          ),
          fc.oneof(fc.constantFrom(...QUERY_VALUES), fc.string({ maxLength: 30 }).map(encodeURIComponent)),
        ),
        { minLength: 1, maxLength: 4 },
      )
      .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`),
  },
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/problem+json',
  '',
  'application/json; charset=latin1',
];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

/**
 * Requests for `routes`: mostly the route's own method, sometimes a wrong one; path parameters from
 * `known` names or hostile ones; wild bodies, content types, missing or wrong auth and If-Match.
 */
export function fuzzRequest(
  routes: readonly Route[],
  known: readonly string[],
  token: string,
): fc.Arbitrary<FuzzRequest> {
  const names = segment(known);
  return fc.constantFrom(...routes).chain((route) =>
    fc.record({
      method: fc.oneof(
        { weight: 9, arbitrary: fc.constant(route.method) },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
      path: fc
        .tuple(
          fc.array(names, { minLength: 4, maxLength: 4 }),
          fc.oneof(names, fc.constantFrom('a/b/c', 'x/..%2F..%2Fy', '', 'deep/'.repeat(50))),
          query,
        )
        .map(([params, proxy, q]) => {
          let at = 0;
          const path = route.template
            .replace('{proxy}', () => proxy)
            .replace(/\{[^}]+\}/g, () => params[at++] as string);
          return path + q;
        }),
      body: bodyFor(route, names),
      headers: fc.record(
        {
          authorization: fc.oneof(
            { weight: 12, arbitrary: fc.constant(`Bearer ${token}`) },
            {
              weight: 1,
              arbitrary: fc.constantFrom('', 'Bearer', 'Bearer wrong', 'Basic YTpi', `Bearer ${token}x`),
            },
          ),
          'content-type': fc.oneof(
            { weight: 5, arbitrary: fc.constant('application/json') },
            { weight: 2, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
          ),
          'if-match': fc.constantFrom(
            '"1"',
            '"2"',
            '"1-qT0mIjq4Ck2x7dYxE5bWlA"',
            '"2-qT0mIjq4Ck2x7dYxE5bWlA.5f0c2a9e"',
            'W/"1"',
            '*',
            'garbage',
            '"-1"',
            '"99999999999999999999"',
          ),
          'x-request-id': fc.string({ maxLength: 300 }).map(encodeURIComponent),
          accept: fc.constantFrom('application/json', 'text/html', '*/*'),
        },
        { requiredKeys: [] },
      ),
    }),
  );
}
