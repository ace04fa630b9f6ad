import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';
import { sendWebhook } from './send-webhook';

// Inside the repository, so the plugin resolves `plugboard/sdk` like real ones.
const root = join(import.meta.dirname, '../.tmp', `query-validation-${process.pid}`);

/** A plugin with an option, a mapping option, a credential and a mapping param, that answers its params. */
const KEEPER = `import { definePlugin } from 'plugboard/sdk';
export default definePlugin({
  manifest: {
    slug: 'keeper', name: 'Keeper', version: '1.0.0', apiVersion: 1,
    options: [
      { name: 'label', label: 'Label', type: 'string' },
      { name: 'extra', label: 'Extra', type: 'mapping' },
    ],
    credentials: [{ name: 'token', label: 'Token', required: false }],
    actions: [{ name: 'keep', label: 'Keep', optionalParams: [{ name: 'tags', label: 'Tags', type: 'mapping' }] }],
  },
  actions: { keep: (ctx, params) => ({ params, assignmentOptions: ctx.assignmentOptions ?? null }) },
  http: async (_ctx, request) => Response.json({ query: new URL(request.url).search }),
});
`;

const SECRET = 'query-secret-0123456789';
let pb: TestPlatform;

beforeAll(async () => {
  mkdirSync(join(root, 'keeper'), { recursive: true });
  writeFileSync(join(root, 'keeper', 'index.ts'), KEEPER);
  pb = await startTestPlatform({ pluginsDir: root });
  await pb.createInstance('kept', 'keeper', { label: 'a' });
  const source = await pb.call('PUT', '/v1/webhook-sources/query-hook', { secret: SECRET });
  expect(source.status).toBe(201);
});
afterAll(async () => {
  await pb?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Sends a JSON text as it is: JSON.stringify of an object literal cannot hold an own `__proto__`. */
const sendJson = (method: string, path: string, text: string, headers: Record<string, string> = {}) =>
  pb.call(method, path, text, { 'content-type': 'application/json', ...headers });

const unknownQuery = (name: string, known: string) => ({
  pointer: `/query/${name}`,
  detail: `Unknown query parameter; known: ${known}`,
});

describe('query parameters a route does not declare', () => {
  it('refuses one on a list, naming it and the parameters the list takes', async () => {
    const filtered = await pb.call('GET', '/v1/subscriptions?instance=x');
    expect(filtered.status).toBe(400);
    expect(filtered.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(filtered.body).toMatchObject({
      code: 'Validation',
      errors: [unknownQuery('instance', 'limit, cursor')],
    });
    const typo = await pb.call('GET', '/v1/instances?limt=5');
    expect(typo.status).toBe(400);
    expect(typo.body.errors).toEqual([unknownQuery('limt', 'plugin, limit, cursor')]);
  });

  it('reports an unknown parameter beside a wrong value of a known one, and escapes its name', async () => {
    const both = await pb.call('GET', '/v1/instances?limit=many&limt=5');
    expect(both.status).toBe(400);
    expect(both.body.errors).toEqual([
      unknownQuery('limt', 'plugin, limit, cursor'),
      { pointer: '/query/limit', detail: 'must be a whole number from 1 to 1000' },
    ]);
    const slashed = await pb.call('GET', '/v1/dlq?a%2Fb~c=1');
    expect(slashed.body.errors).toEqual([unknownQuery('a~1b~0c', 'limit, cursor')]);
  });

  it('refuses any parameter on a route that takes none, the API document included', async () => {
    const routes: [string, string][] = [
      ['GET', '/v1/health'],
      ['GET', '/v1/openapi.json'],
      ['GET', '/v1/plugins'],
      ['GET', '/v1/instances/kept'],
      ['POST', '/v1/instances/kept/actions/keep'],
      ['GET', '/v1/webhook-sources'],
      ['GET', '/v1/guards'],
    ];
    for (const [method, path] of routes) {
      const answer = await pb.call(method, `${path}?format=yaml`, method === 'POST' ? {} : undefined);
      expect({ path, status: answer.status, errors: answer.body?.errors }).toEqual({
        path,
        status: 400,
        errors: [unknownQuery('format', 'none')],
      });
    }
    // A name without a value is a parameter all the same.
    expect((await pb.call('GET', '/v1/health?verbose')).status).toBe(400);
  });

  it('still serves every declared parameter', async () => {
    const now = Date.now();
    const from = new Date(now - 60_000).toISOString();
    const to = new Date(now + 60_000).toISOString();
    const declared = [
      `/v1/events/log?from=${from}&to=${to}&limit=10`,
      '/v1/instances?plugin=keeper&limit=1',
      '/v1/subscriptions?limit=5',
      '/v1/dlq?limit=5',
      '/v1/webhooks/query-hook/deliveries?limit=5',
      '/v1/plugins/keeper/docs?detail=full',
      '/v1/health',
    ];
    for (const path of declared)
      expect({ path, status: (await pb.call('GET', path)).status }).toEqual({ path, status: 200 });
  });

  it("passes a query through to a plugin's http handler and past a webhook receiver", async () => {
    const plugin = await pb.call('GET', '/v1/plugin-apis/kept/orders?expand=items&limt=5');
    expect(plugin).toMatchObject({ status: 200, body: { query: '?expand=items&limt=5' } });
    const body = JSON.stringify({ action: 'opened' });
    const received = await sendWebhook(pb.platform.url, 'query-hook?sender-tag=abc', {
      secret: SECRET,
      body,
      deliveryId: 'query-1',
    });
    expect(received.status).toBe(202);
  });

  it('answers any unknown name on any checked route with a 400 naming it, never a 5xx', async () => {
    const routes: [string, string, string][] = [
      ['/v1/instances', 'plugin, limit, cursor', 'plugin limit cursor'],
      ['/v1/events/log', 'from, to, limit, cursor', 'from to limit cursor'],
      ['/v1/plugins/keeper/docs', 'topic, detail', 'topic detail'],
      ['/v1/plugins', 'none', ''],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.string({ minLength: 1, maxLength: 20, unit: 'binary' }),
        async ([path, known, names], name) => {
          fc.pre(!names.split(' ').includes(name));
          const answer = await pb.call('GET', `${path}?${encodeURIComponent(name)}=1`);
          expect(answer.status).toBe(400);
          expect(answer.body.errors).toContainEqual({
            pointer: `/query/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`,
            detail: `Unknown query parameter; known: ${known}`,
          });
        },
      ),
      { numRuns: 150, seed: 20_251_126 },
    );
  });
});

describe('a key named __proto__ in a body', () => {
  const PROTO_DETAIL = 'Unknown field: no key may be named __proto__';

  it('refuses an option so named at create and at patch, instead of dropping it', async () => {
    const created = await sendJson(
      'POST',
      '/v1/instances',
      '{"name":"proto-options","plugin":"keeper","options":{"label":"x","__proto__":{"polluted":true}}}',
    );
    expect(created.status).toBe(400);
    expect(created.body.errors).toEqual([{ pointer: '/options/__proto__', detail: PROTO_DETAIL }]);
    expect((await pb.call('GET', '/v1/instances/proto-options')).status).toBe(404);
    // Escaped, the name is the same key once parsed.
    const escaped = await sendJson('PATCH', '/v1/instances/kept', '{"options":{"\\u005f_proto__":"x"}}', {
      'if-match': '*',
    });
    expect(escaped.status).toBe(400);
    expect(escaped.body.errors).toEqual([{ pointer: '/options/__proto__', detail: PROTO_DETAIL }]);
    expect((await pb.call('GET', '/v1/instances/kept')).body.version).toBe(1);
  });

  it("refuses one in assignment options, credential values, an action's params and an event pattern", async () => {
    const refused: [string, string, string, string][] = [
      [
        'POST',
        '/v1/instances/kept/actions/keep',
        '{"context":{"assignmentOptions":{"__proto__":{"a":1}}}}',
        '/context/assignmentOptions/__proto__',
      ],
      ['PUT', '/v1/instances/kept/credentials', '{"values":{"__proto__":"secret"}}', '/values/__proto__'],
      [
        'POST',
        '/v1/instances/kept/actions/keep',
        '{"params":{"__proto__":{"tags":{"a":"b"}}}}',
        '/params/__proto__',
      ],
      // Dropped, the field would leave a pattern that matches every event.
      [
        'POST',
        '/v1/events/test-pattern',
        '{"pattern":{"__proto__":["x"]},"event":{"source":"acme"}}',
        '/pattern/__proto__',
      ],
    ];
    for (const [method, path, body, pointer] of refused) {
      const answer = await sendJson(method, path, body);
      expect({ path, status: answer.status, errors: answer.body.errors }).toEqual({
        path,
        status: 400,
        errors: [{ pointer, detail: PROTO_DETAIL }],
      });
    }
    expect((await pb.call('GET', '/v1/instances/kept/credentials')).body.set).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('keeps one inside a mapping value as data: an own key, no prototype set', async () => {
    const option = await sendJson(
      'PATCH',
      '/v1/instances/kept',
      '{"options":{"extra":{"__proto__":"x","b":"y"}}}',
      { 'if-match': '*' },
    );
    expect(option.status).toBe(200);
    expect(JSON.stringify(option.body.options.extra)).toBe('{"__proto__":"x","b":"y"}');
    const read = await pb.call('GET', '/v1/instances/kept');
    expect(JSON.stringify(read.body.options.extra)).toBe('{"__proto__":"x","b":"y"}');

    const called = await sendJson(
      'POST',
      '/v1/instances/kept/actions/keep',
      '{"params":{"tags":{"__proto__":"x"}},"context":{"assignmentOptions":{"m":{"__proto__":{"a":1}}}}}',
    );
    expect(called.status).toBe(200);
    expect(JSON.stringify(called.body.result)).toBe(
      '{"params":{"tags":{"__proto__":"x"}},"assignmentOptions":{"m":{"__proto__":{"a":1}}}}',
    );
  });
});
