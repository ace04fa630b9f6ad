import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_ROUTES } from '../../lib/client';
import { signBody } from '../../lib/core/webhooks/signature';
import { startTestPlatform, type TestPlatform } from './harness';

// biome-ignore lint/suspicious/noExplicitAny: the document is arbitrary JSON, checked structurally below
type Json = any;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
/** Routes that answer without a bearer token (health, the document, HMAC-verified webhooks). */
const OPEN = [/^\/v1\/health$/, /^\/v1\/openapi\.json$/, /^\/v1\/webhooks\/\{source\}$/];

let pb: TestPlatform;
let doc: Json;

beforeAll(async () => {
  pb = await startTestPlatform();
  doc = (await pb.call('GET', '/v1/openapi.json')).body;
});
afterAll(async () => {
  await pb?.close();
});

/** Hono's `:name` and trailing `*` in OpenAPI's `{name}` form; the passthrough's rest is `{proxy}`. */
const toOpenApiPath = (path: string) =>
  path.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\/\*$/, '/{proxy}');

const operations = (): [string, string, Json][] =>
  Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((m) => [m, path, item[m]] as [string, string, Json]),
  );

/** Follows a local `$ref` (`#/components/...`), failing on one that points nowhere. */
function resolveRef(ref: string): Json {
  expect(ref.startsWith('#/'), `${ref} is a local reference`).toBe(true);
  let node: Json = doc;
  for (const part of ref.slice(2).split('/')) {
    node = node?.[part.replaceAll('~1', '/').replaceAll('~0', '~')];
    expect(node, `${ref} resolves`).toBeDefined();
  }
  return node;
}

function* refs(node: Json): Generator<string> {
  if (Array.isArray(node)) for (const item of node) yield* refs(item);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') yield value;
      else yield* refs(value);
    }
  }
}

describe('/v1/openapi.json', () => {
  it("describes the manifest with the loader's own schema, under components.schemas.Manifest", async () => {
    const manifest = doc.components.schemas.Manifest;
    expect(manifest.required).toEqual(expect.arrayContaining(['slug', 'name', 'version', 'apiVersion']));
    expect(manifest.additionalProperties).toBe(false);
    for (const slug of ['echo', 'kv-config', 'hmac-signer']) {
      const served = (await pb.call('GET', `/v1/plugins/${slug}`)).body.manifest;
      for (const key of Object.keys(served))
        expect(manifest.properties, `${slug}: ${key}`).toHaveProperty(key);
    }
  });

  it('marks exactly the routes that take no token as needing none', async () => {
    const open = operations()
      .filter(([, , op]) => Array.isArray(op.security) && op.security.length === 0)
      .map(([method, path]) => `${method} ${path}`);
    expect(open.sort()).toEqual(['get /v1/health', 'get /v1/openapi.json', 'post /v1/webhooks/{source}']);
    for (const route of open) {
      const [method, path] = route.split(' ');
      const res = await fetch(`${pb.platform.url}${path!.replace('{source}', 'nope')}`, {
        method: method!.toUpperCase(),
      });
      expect(res.headers.get('www-authenticate'), route).toBeNull();
    }
  });

  it('is a structurally valid OpenAPI 3.1 document', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
    for (const requirement of doc.security) {
      for (const name of Object.keys(requirement)) expect(doc.components.securitySchemes[name]).toBeDefined();
    }
    for (const ref of refs(doc)) resolveRef(ref);
    const operationIds = operations()
      .map(([, , op]) => op.operationId)
      .filter(Boolean);
    expect(new Set(operationIds).size).toBe(operationIds.length);

    for (const [method, path, op] of operations()) {
      const where = `${method} ${path}`;
      expect(path, where).toMatch(/^\//);
      expect(Object.keys(op.responses ?? {}).length, `${where} has responses`).toBeGreaterThan(0);
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        expect(status, `${where} status`).toMatch(/^(default|[1-5](\d\d|XX))$/);
        expect(
          typeof (response.description ?? resolveRef(response.$ref).description),
          `${where} ${status}`,
        ).toBe('string');
      }
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters ?? []).map((p: Json) => (p.$ref ? resolveRef(p.$ref) : p));
      for (const name of templated) {
        const param = declared.find((p: Json) => p.in === 'path' && p.name === name);
        expect(param, `${where} declares path parameter ${name}`).toBeDefined();
        expect(param.required, `${where} path parameter ${name} is required`).toBe(true);
      }
      for (const p of declared) {
        expect(['query', 'header', 'path', 'cookie'], `${where} parameter ${p.name}`).toContain(p.in);
        if (p.in === 'path')
          expect(templated, `${where} path parameter ${p.name} is in the path`).toContain(p.name);
      }
    }
  });

  it('describes every route the app serves', () => {
    const documented = new Set(operations().map(([m, p]) => `${m} ${p}`));
    const served = new Set(
      pb.platform.app.routes
        .filter((r) => r.path.startsWith('/v1/'))
        .map((r) => `${r.method.toLowerCase()} ${toOpenApiPath(r.path)}`),
    );
    expect(served.size).toBeGreaterThan(25);
    const missing = [...served].filter((route) => {
      const [method, path] = route.split(' ') as [string, string];
      // `app.all` serves every method; one documented method stands for them.
      if (method === 'all') return !METHODS.some((m) => documented.has(`${m} ${path}`));
      return !documented.has(route);
    });
    expect(missing).toEqual([]);
    const stale = [...documented].filter(
      (route) => !served.has(route) && !served.has(`all ${route.split(' ')[1]}`),
    );
    expect(stale).toEqual([]);
  });

  it('declares problem+json responses on every route, 401 and 403 on every authenticated one', () => {
    const problem = resolveRef('#/components/schemas/Problem');
    expect(problem.required).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'code', 'requestId']),
    );
    const lacking: string[] = [];
    for (const [method, path, op] of operations()) {
      if (path === '/v1/health') continue; // liveness has no failure to describe
      const problems = Object.entries(op.responses as Record<string, Json>).filter(
        ([status, response]) =>
          /^[45]/.test(status) &&
          response.content?.['application/problem+json']?.schema?.$ref === '#/components/schemas/Problem',
      );
      if (problems.length === 0) lacking.push(`${method} ${path}: no problem response`);
      if (OPEN.some((p) => p.test(path))) continue;
      for (const status of ['401', '403']) {
        if (!problems.some(([s]) => s === status)) lacking.push(`${method} ${path}: no ${status}`);
      }
    }
    expect(lacking).toEqual([]);
  });

  it('declares 413 on every route that takes a body, and 415 where it is JSON, as the body check answers them', () => {
    const lacking: string[] = [];
    let raw = 0;
    for (const [method, path, op] of operations()) {
      const media = Object.keys(op.requestBody?.content ?? {});
      if (media.length === 0) continue;
      // A JSON body is checked, and refused in another media type; a raw one is taken in any.
      const json = media.includes('application/json');
      if (!json) raw++;
      for (const status of json ? ['413', '415'] : ['413']) {
        if (!op.responses[status]) lacking.push(`${method} ${path}: no ${status}`);
      }
      if (!json && op.responses['415']) lacking.push(`${method} ${path}: a 415 it never answers`);
    }
    expect(lacking).toEqual([]);
    expect(raw, 'the webhook receiver is among the routes held').toBeGreaterThan(0);
  });

  it("describes the webhook receiver's body as the bytes of any media type the sender signed, as it takes them", async () => {
    const body = doc.paths['/v1/webhooks/{source}'].post.requestBody;
    // OpenAPI 3.1's raw bytes: a media type without a schema, which a client sends as it signed it.
    expect(body).toEqual({
      description: expect.stringContaining('signed'),
      required: false,
      content: { '*/*': {} },
    });
    const secret = 's'.repeat(16);
    expect((await pb.call('PUT', '/v1/webhook-sources/documented', { secret })).status).toBe(201);
    let delivery = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          'application/json',
          'application/x-www-form-urlencoded',
          'text/plain; charset=iso-8859-1',
          'application/xml',
          'application/octet-stream',
          undefined,
        ),
        fc.uint8Array({ maxLength: 300 }),
        async (type, bytes) => {
          const res = await fetch(`${pb.platform.url}/v1/webhooks/documented`, {
            method: 'POST',
            headers: {
              ...(type ? { 'content-type': type } : {}),
              'x-hub-signature-256': signBody(secret, Buffer.from(bytes)),
              'x-delivery-id': `documented-${++delivery}`,
            },
            body: bytes,
          });
          expect({ type, status: res.status }).toEqual({ type, status: 202 });
        },
      ),
      { numRuns: 20 },
    );
  });

  it('declares the ETag the instance routes answer with, and the Location of a created one', async () => {
    const created = await pb.call('POST', '/v1/instances', { name: 'documented', plugin: 'echo' });
    const read = await pb.call('GET', '/v1/instances/documented');
    const patched = await pb.call('PATCH', '/v1/instances/documented', { order: 1 }, { 'if-match': '*' });
    const answered = [
      ['post', '/v1/instances', created],
      ['get', '/v1/instances/{name}', read],
      ['patch', '/v1/instances/{name}', patched],
    ] as const;
    for (const [method, path, answer] of answered) {
      expect(answer.headers.get('etag'), `${method} answers an ETag`).toMatch(/^"\d+-[A-Za-z0-9_-]{22}"$/);
      const declared = doc.paths[path][method].responses[String(answer.status)];
      expect(Object.keys(declared.headers ?? {}), `${method} declares it`).toContain('ETag');
    }
    expect(created.headers.get('location')).toBe('/v1/instances/documented');
    expect(Object.keys(doc.paths['/v1/instances'].post.responses['201'].headers)).toContain('Location');
  });

  it('marks as required the If-Match that PATCH answers 428 without', async () => {
    await pb.call('POST', '/v1/instances', { name: 'preconditioned', plugin: 'echo' });
    const unconditional = await pb.call('PATCH', '/v1/instances/preconditioned', { order: 1 });
    expect(unconditional.status).toBe(428);
    const declared = doc.paths['/v1/instances/{name}'].patch.parameters.find(
      (p: Json) => p.in === 'header' && p.name === 'if-match',
    );
    expect(declared.required).toBe(true);
    expect(Object.keys(doc.paths['/v1/instances/{name}'].patch.responses)).toContain('428');
    const optional = doc.paths['/v1/instances/{name}'].delete.parameters.find(
      (p: Json) => p.in === 'header' && p.name === 'if-match',
    );
    expect(optional.required).toBe(false);
  });

  it('declares the request id on every problem, and Retry-After on every 429', async () => {
    const lacking: string[] = [];
    for (const [method, path, op] of operations()) {
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        if (!/^[45]/.test(status)) continue;
        const headers = Object.keys(response.headers ?? {});
        if (!headers.includes('x-request-id')) lacking.push(`${method} ${path} ${status}: x-request-id`);
        if (status === '429' && !headers.includes('Retry-After'))
          lacking.push(`${method} ${path}: Retry-After`);
      }
    }
    expect(lacking).toEqual([]);
    const problem = await pb.call('GET', '/v1/instances/no-such-instance');
    expect(problem.headers.get('x-request-id')).toBe(problem.body.requestId);
  });

  it("describes a dead letter's removal with its id in the path and the answers it gives", async () => {
    const removal = doc.paths['/v1/dlq/{id}'].delete;
    expect(removal.parameters).toContainEqual(
      expect.objectContaining({ in: 'path', name: 'id', required: true }),
    );
    const declared = Object.keys(removal.responses);
    expect(declared).toEqual(expect.arrayContaining(['204', '400', '401', '403', '404']));
    for (const id of ['no-event:lifecycle', 'no-colon'])
      expect(declared).toContain(String((await pb.call('DELETE', `/v1/dlq/${id}`)).status));
  });

  it('has every route the typed client calls', () => {
    const documented = new Set(operations().map(([m, p]) => `${m} ${p}`));
    expect(CLIENT_ROUTES.map(([m, p]) => `${m} ${p}`).filter((r) => !documented.has(r))).toEqual([]);
  });
});
