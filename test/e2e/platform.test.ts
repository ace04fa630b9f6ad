import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedRegistry } from '../../lib/core/cached-registry';
import { InstanceService } from '../../lib/core/instances/instance-service';
import { PlugboardError } from '../../lib/sdk/errors';
import { ManifestSchema } from '../../lib/sdk/manifest';
import { startTestPlatform, type TestPlatform } from './harness';

/** A canary credential: the suite fails if it shows up in any response, header or log line. */
const CANARY = 'canary-9f2c1e7a-secret-value-do-not-leak';

let pb: TestPlatform;

/** The platform's registry, but listing a store fails as a busy table would. */
const storeListFailing = () =>
  new Proxy(pb.platform.registry, {
    get(target, property, receiver) {
      if (property === 'storeList')
        return () => Promise.reject(new PlugboardError('Unavailable', 'the table is busy'));
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

/** Creates an incrementer instance `name` and checks its counter `n` starts from nothing. */
async function expectNewCounterStartsAtZero(name: string): Promise<void> {
  expect((await pb.call('POST', '/v1/instances', { name, plugin: 'incrementer' })).status).toBe(201);
  const increment = await pb.call('POST', `/v1/instances/${name}/actions/increment`, {
    params: { parameter: 'n' },
  });
  expect(increment.body.result).toMatchObject({ previous: 0, value: 1 });
}

beforeAll(async () => {
  pb = await startTestPlatform();
});
afterAll(async () => {
  await pb?.close();
});

const expectProblem = (
  res: { status: number; headers: Headers; body: Record<string, unknown> },
  status: number,
) => {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    requestId: expect.any(String),
  });
};

describe('local platform over loopback HTTP', () => {
  it('serves health without a token and refuses other routes without one', async () => {
    const health = await fetch(`${pb.platform.url}/v1/health`);
    expect(health.status).toBe(200);
    const denied = await fetch(`${pb.platform.url}/v1/plugins`);
    expect(denied.status).toBe(401);
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
    expect(denied.headers.get('www-authenticate')).toBe('Bearer realm="plugboard"');
  });

  it('takes the Bearer scheme in any case, after one or more spaces, and nothing else', async () => {
    const status = async (authorization: string) =>
      (await fetch(`${pb.platform.url}/v1/plugins`, { headers: { authorization } })).status;
    const { token } = pb.platform;
    expect(await status(`bearer ${token}`)).toBe(200);
    expect(await status(`BEARER  ${token}`)).toBe(200);
    for (const wrong of [
      `Basic ${token}`,
      `Bearer ${token}x`,
      `Bearer${token}`,
      token,
      `Bearer ${token} extra`,
    ])
      expect(await status(wrong)).toBe(401);
  });

  it('tells a token that was sent and refused from one that was not sent', async () => {
    const { token } = pb.platform;
    const tokens = fc.oneof(
      fc.stringMatching(/^[\x21-\x7e]{1,64}$/),
      fc.constant(`${token}x`),
      fc.constant(token.slice(1)),
    );
    await fc.assert(
      fc.asyncProperty(tokens, async (sent) => {
        fc.pre(sent !== token);
        const refused = await fetch(`${pb.platform.url}/v1/plugins`, {
          headers: { authorization: `Bearer ${sent}` },
        });
        expect(refused.status).toBe(401);
        expect(refused.headers.get('www-authenticate')).toBe(
          'Bearer realm="plugboard", error="invalid_token"',
        );
        const problem = (await refused.json()) as { detail: string };
        expect(problem.detail).toBe(
          "the Authorization header was not accepted: send Authorization: Bearer <token> with this platform's token",
        );
      }),
      { numRuns: 20 },
    );
    const none = await fetch(`${pb.platform.url}/v1/plugins`);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="plugboard"');
    expect(((await none.json()) as { detail: string }).detail).toBe('send Authorization: Bearer <token>');
  });

  it('lists every example plugin as loaded', async () => {
    const res = await pb.call('GET', '/v1/plugins');
    expect(res.status).toBe(200);
    expect(res.body.plugins.map((p: { slug: string }) => p.slug).sort()).toEqual(
      expect.arrayContaining(['echo', 'file-logs', 'hmac-signer', 'incrementer', 'kv-config']),
    );
    expect(res.body.errors).toEqual([]);
  });

  it('describes a plugin with JSON Schemas, docs and a starter template', async () => {
    const plugin = await pb.call('GET', '/v1/plugins/hmac-signer');
    expect(plugin.status).toBe(200);
    expect(plugin.body.schemas.actions.sign.required).toEqual(['payload']);
    const sign = plugin.body.manifest.actions.find((a: { name: string }) => a.name === 'sign');
    expect(sign.requiredParams).toEqual([expect.objectContaining({ name: 'payload', required: true })]);
    expect(plugin.body.schemas.options.properties.algorithm.enum).toEqual(['sha256', 'sha512']);
    expect(plugin.body.handlers).toEqual([]);
    expect((await pb.call('GET', '/v1/plugins/echo')).body.handlers).toEqual(['http', 'events']);
    expect((await pb.call('GET', '/v1/plugins/allow-list')).body.handlers).toEqual(['authorizer']);
    const listed = (await pb.call('GET', '/v1/plugins')).body.plugins;
    expect(listed.find((p: { slug: string }) => p.slug === 'change-window').handlers).toEqual(['preHook']);
    const docs = await pb.call('GET', '/v1/plugins/hmac-signer/docs?topic=overview&detail=full');
    expect(docs.body.topics[0]).toMatchObject({
      topic: 'overview',
      detail: expect.stringContaining('credentials'),
    });
    expectProblem(await pb.call('GET', '/v1/plugins/hmac-signer/docs?topic=nope'), 404);
    const template = await pb.call('GET', '/v1/plugins/hmac-signer/template');
    expect(template.body).toMatchObject({
      instance: { plugin: 'hmac-signer', options: { algorithm: 'sha256' } },
      credentials: { values: { signingKey: '<required: Signing key>' } },
    });
    // The template's bodies are the requests that set an instance up.
    expect((await pb.call('POST', '/v1/instances', template.body.instance)).status).toBe(201);
    const name = template.body.instance.name;
    const values = { signingKey: 'a-real-signing-key' };
    expect((await pb.call('PUT', `/v1/instances/${name}/credentials`, { values })).status).toBe(200);
    expect((await pb.call('DELETE', `/v1/instances/${name}`)).status).toBe(204);
  });

  it('runs every action of echo and incrementer', async () => {
    expect((await pb.call('POST', '/v1/instances', { name: 'echo-1', plugin: 'echo' })).status).toBe(201);
    const echoed = await pb.call('POST', '/v1/instances/echo-1/actions/echo', { params: { message: 'hi' } });
    expect(echoed.status).toBe(200);
    expect(echoed.body.result).toEqual({ message: 'hi' });
    expect(echoed.headers.get('x-request-id')).toBe(echoed.body.requestId);

    expect((await pb.call('POST', '/v1/instances', { name: 'counter', plugin: 'incrementer' })).status).toBe(
      201,
    );
    const act = (name: string, params: Record<string, unknown> = {}) =>
      pb.call('POST', `/v1/instances/counter/actions/${name}`, { params });
    expect((await act('increment')).status).toBe(200);
    expect((await act('increment', { step: 5 })).status).toBe(200);
    const status = await act('status');
    expect(status.status).toBe(200);
    expect(JSON.stringify(status.body.result)).toContain('6');
    expectProblem(await act('reset_count'), 400);
    expect((await act('reset_count', { parameter: 'default' })).status).toBe(200);
    expectProblem(await act('increment', { step: 'many' }), 400);
    expectProblem(await act('no_such_action'), 404);
  });

  it("passes any method to a plugin's http handler, without the caller's token", async () => {
    await pb.call('POST', '/v1/instances', { name: 'echo-http', plugin: 'echo' });
    const send = (method: string, path: string, body?: string) =>
      fetch(`${pb.platform.url}/v1/plugin-apis/echo-http${path}`, {
        method,
        headers: {
          authorization: `Bearer ${pb.platform.token}`,
          'x-trace': 't-1',
          'content-type': 'text/plain',
        },
        body,
      });
    const posted = await send('POST', '/orders/42?expand=items&page=2', 'ünïcode body');
    expect(posted.status).toBe(200);
    expect(posted.headers.get('x-echo')).toBe('plugboard');
    expect(posted.headers.get('x-request-id')).toEqual(expect.any(String));
    const seen = await posted.json();
    expect(seen).toMatchObject({
      method: 'POST',
      path: '/orders/42',
      query: { expand: 'items', page: '2' },
      body: 'ünïcode body',
      headers: expect.objectContaining({ 'x-trace': 't-1', 'content-type': 'text/plain' }),
    });
    expect(seen.headers).not.toHaveProperty('authorization');
    expect(JSON.stringify(seen)).not.toContain(pb.platform.token);
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
      const answer = await send(method, '/a/b', method === 'GET' ? undefined : 'x');
      expect(await answer.json()).toMatchObject({ method, path: '/a/b', body: method === 'GET' ? '' : 'x' });
    }
    expect(await (await send('GET', '')).json()).toMatchObject({ path: '/' });
    const head = await send('HEAD', '/a');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    const hops = await new Promise<string>((done, fail) => {
      const url = new URL(`${pb.platform.url}/v1/plugin-apis/echo-http/hops`);
      const request = httpRequest(url, {
        headers: {
          authorization: `Bearer ${pb.platform.token}`,
          'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
          connection: 'keep-alive, x-hop',
          'x-hop': 'this hop only',
          'keep-alive': 'timeout=5',
          te: 'trailers',
          'x-end': 'passed on',
        },
      });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk) => {
          text += chunk;
        });
        response.on('end', () => done(text));
      });
      request.on('error', fail);
      request.end();
    });
    const hopHeaders = JSON.parse(hops).headers;
    expect(hopHeaders).toMatchObject({ 'x-end': 'passed on' });
    for (const name of ['proxy-authorization', 'connection', 'x-hop', 'keep-alive', 'te'])
      expect(hopHeaders).not.toHaveProperty(name);
    const badName = await pb.call('GET', '/v1/plugin-apis/Not_A_Name/x');
    expectProblem(badName, 400);
    expect(badName.body.errors).toEqual([
      { pointer: '/path/instance', detail: expect.stringContaining('a-z') },
    ]);
    await pb.call('POST', '/v1/instances', { name: 'no-http', plugin: 'incrementer' });
    const none = await pb.call('GET', '/v1/plugin-apis/no-http/x');
    expectProblem(none, 404);
    expect(none.body.detail).toContain('http handler');
  });

  it('runs every configuration operation of kv-config, redacting secret values', async () => {
    const created = await pb.call('POST', '/v1/instances', {
      name: 'config',
      plugin: 'kv-config',
      context: { orgSlug: 'acme', projectSlug: 'web' },
    });
    expect(created.status).toBe(201);
    const op = (name: string, input?: Record<string, unknown>) =>
      pb.call('POST', `/v1/instances/config/operations/${name}`, input === undefined ? {} : { input });
    const set = await op('configuration.setValue', { key: 'color', value: 'blue' });
    expect(set.status).toBe(200);
    expect(set.body.result).toMatchObject({ key: 'color', lastModified: expect.any(String) });
    expect(
      (await op('configuration.setValue', { key: 'token', value: CANARY, dataType: 'secret' })).status,
    ).toBe(200);
    const listed = await op('configuration.listKeys');
    expect(listed.body.result.map((k: { key: string }) => k.key).sort()).toEqual(['color', 'token']);
    const values = await op('configuration.getValues', { keys: ['color', 'token', 'missing'] });
    expect(values.status).toBe(200);
    expect(values.body.result).toHaveLength(2);
    expect(values.body.result.find((v: { key: string }) => v.key === 'color').value).toBe('blue');
    expect(values.body.result.find((v: { key: string }) => v.key === 'token').value).not.toBe(CANARY);
    expect((await op('configuration.deleteKey', { key: 'color' })).status).toBe(200);
    expect((await op('configuration.deleteKey', { key: 'color' })).status).toBe(200);
    expectProblem(await op('configuration.setValue', { value: 1 }), 400);
    expectProblem(await op('logs.search'), 404);
    expectProblem(await op('configuration.nope'), 404);
    // Names every object inherits are no alias: the alias lookup reached Object.prototype and threw.
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf'])
      expectProblem(await op(name), 404);
  });

  it('runs every logs operation of file-logs with cursors', async () => {
    expect((await pb.call('POST', '/v1/instances', { name: 'logs', plugin: 'file-logs' })).status).toBe(201);
    const op = (name: string, input: Record<string, unknown> = {}) =>
      pb.call('POST', `/v1/instances/logs/operations/${name}`, { input });
    const first = await op('logs.search', { limit: 5 });
    expect(first.status).toBe(200);
    expect(first.body.result.entries).toHaveLength(5);
    const times = first.body.result.entries.map((e: { timestamp: string }) => Date.parse(e.timestamp));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const next = await op('logs.search', { limit: 5, cursor: first.body.result.nextCursor });
    expect(next.status).toBe(200);
    expect(Date.parse(next.body.result.entries[0].timestamp)).toBeLessThanOrEqual(times[4]);
    expectProblem(await op('logs.search', { cursor: 'not-a-cursor' }), 410);
    expectProblem(await op('logs.search', { limit: 5000 }), 400);
    expect((await op('logs.schema')).body.result.fields.length).toBeGreaterThan(0);
    const histogram = await op('logs.histogram', { bucketCount: 10 });
    expect(histogram.status).toBe(200);
  });

  it('enforces credentials: 409 without, works with, never shows the value', async () => {
    expect((await pb.call('POST', '/v1/instances', { name: 'signer', plugin: 'hmac-signer' })).status).toBe(
      201,
    );
    const sign = () => pb.call('POST', '/v1/instances/signer/actions/sign', { params: { payload: 'hello' } });
    expectProblem(await sign(), 409);
    expectProblem(await pb.call('PUT', '/v1/instances/signer/credentials', { values: { nope: 'x' } }), 400);
    const put = await pb.call('PUT', '/v1/instances/signer/credentials', { values: { signingKey: CANARY } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ set: ['signingKey'], missing: [] });
    const signed = await sign();
    expect(signed.status).toBe(200);
    const verified = await pb.call('POST', '/v1/instances/signer/actions/verify', {
      params: { payload: 'hello', signature: signed.body.result.signature },
    });
    expect(verified.body.result).toEqual({ valid: true });
    expect((await pb.call('GET', '/v1/instances/signer')).body.credentialsSet).toEqual(['signingKey']);
    expect((await pb.call('GET', '/v1/instances/signer/credentials')).body).toEqual({
      set: ['signingKey'],
      missing: [],
    });
  });

  it('keeps the version and announces nothing for a PATCH that changes nothing', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const created = await pb.call('POST', '/v1/instances', {
      name: 'unchanged',
      plugin: 'hmac-signer',
      description: 'as it is',
    });
    const etag = created.headers.get('etag')!;
    for (const patch of [
      {},
      { description: 'as it is' },
      { options: { ...created.body.options } },
      { order: 0 },
    ]) {
      const answer = await pb.call('PATCH', '/v1/instances/unchanged', patch, { 'if-match': etag });
      expect(answer.status, JSON.stringify(patch)).toBe(200);
      expect(answer.headers.get('etag')).toBe(etag);
      expect(answer.body).toEqual(created.body);
    }
    // The precondition still holds for a patch that would change nothing.
    const otherVersion = etag.replace(/^"1-/, '"7-');
    expectProblem(await pb.call('PATCH', '/v1/instances/unchanged', {}, { 'if-match': otherVersion }), 412);
    const changed = await pb.call('PATCH', '/v1/instances/unchanged', { order: 1 }, { 'if-match': etag });
    expect(changed.body.version).toBe(2);
    const log = await pb.call('GET', `/v1/events/log?from=${since}&limit=1000`);
    const updates = log.body.events.filter(
      (e: { 'detail-type': string; detail: { instance?: string } }) =>
        e['detail-type'] === 'Instance Updated' && e.detail.instance === 'unchanged',
    );
    expect(updates).toHaveLength(1);
  });

  it('answers 412 to a PATCH with a stale If-Match and changes nothing', async () => {
    const before = await pb.call('GET', '/v1/instances/signer');
    const etag = before.headers.get('etag')!;
    const ok = await pb.call(
      'PATCH',
      '/v1/instances/signer',
      { options: { encoding: 'base64' } },
      { 'if-match': etag },
    );
    expect(ok.status).toBe(200);
    const stale = await pb.call(
      'PATCH',
      '/v1/instances/signer',
      { options: { encoding: 'hex' } },
      { 'if-match': etag },
    );
    expectProblem(stale, 412);
    const after = await pb.call('GET', '/v1/instances/signer');
    expect(after.body.options.encoding).toBe('base64');
    expect(after.body.version).toBe(ok.body.version);
    expectProblem(await pb.call('PATCH', '/v1/instances/signer', { description: 'x' }), 428);
  });

  it('takes If-Match as RFC 9110 has it: * for whatever instance is current, or a list of ETags', async () => {
    const create = await pb.call('POST', '/v1/instances', { name: 'tagged', plugin: 'echo' });
    /** The ETag of version `n` of this instance: its version and its generation. */
    const at = (n: number) => `"${n}-${create.body.generation}"`;
    expect(create.headers.get('etag')).toBe(at(1));
    const patch = (ifMatch: string, description: string) =>
      pb.call('PATCH', '/v1/instances/tagged', { description }, { 'if-match': ifMatch });
    expect((await patch('*', 'any')).headers.get('etag')).toBe(at(2));
    expect((await patch(`${at(7)}, ${at(2)}`, 'listed')).headers.get('etag')).toBe(at(3));
    const stale = await patch(`${at(1)}, W/${at(3)}`, 'stale');
    expectProblem(stale, 412);
    // If-Match compares strongly: the weak W/"3-…" matches nothing, though version 3 is current.
    expect(stale.body.detail).toBe('instance tagged is at version 3, not 1');
    expectProblem(await patch(`W/${at(3)}`, 'weak'), 412);
    expectProblem(await patch(at(3).slice(1, -1), 'not an ETag'), 412);
    expectProblem(await patch(`${at(3)}, junk`, 'malformed'), 412);
    const read = (headers: Record<string, string>) =>
      pb.call('GET', '/v1/instances/tagged', undefined, headers);
    const unchanged = await read({ 'if-none-match': `W/${at(3)}` });
    expect(unchanged.status).toBe(304);
    expect(unchanged.headers.get('etag')).toBe(at(3));
    expect(unchanged.text).toBe('');
    expect((await read({ 'if-none-match': `${at(1)}, ${at(2)}` })).status).toBe(200);
    expect((await read({ 'if-none-match': '*' })).status).toBe(304);
    // An If-None-Match that is no list of ETags names nothing: the read is not refused for it.
    expect((await read({ 'if-none-match': at(3).slice(1, -1) })).status).toBe(200);
    expectProblem(await read({ 'if-match': at(99) }), 412);
    expect((await read({ 'if-match': at(3) })).status).toBe(200);
    expect((await pb.call('GET', '/v1/instances/tagged')).body).toMatchObject({
      version: 3,
      description: 'listed',
    });
    expectProblem(
      await pb.call('DELETE', '/v1/instances/tagged', undefined, { 'if-match': `${at(1)}, ${at(2)}` }),
      412,
    );
    expect(
      (await pb.call('DELETE', '/v1/instances/tagged', undefined, { 'if-match': `${at(2)}, ${at(3)}` }))
        .status,
    ).toBe(204);
    expectProblem(await pb.call('DELETE', '/v1/instances/tagged', undefined, { 'if-match': '*' }), 404);
  });

  it('checks If-Match against the stored version, not a cached read another dispatcher holds', async () => {
    expect((await pb.call('POST', '/v1/instances', { name: 'shared', plugin: 'echo' })).status).toBe(201);
    // A second dispatcher's cache: it read version 1 and keeps it while this one writes.
    const elsewhere = new InstanceService({
      ...pb.platform.deps,
      registry: new CachedRegistry(pb.platform.deps.registry, { ttlMs: 60_000 }),
    });
    const stale = () => elsewhere.get('shared');
    const { generation } = await stale();
    expect((await stale()).version).toBe(1);
    const patchHere = (description: string, ifMatch: string) =>
      pb.call('PATCH', '/v1/instances/shared', { description }, { 'if-match': ifMatch });
    expect((await patchHere('here', `"1-${generation}"`)).status).toBe(200);
    expect((await stale()).version).toBe(1);
    // The client read version 2 here and sends it there.
    expect(
      (await elsewhere.update('shared', { description: 'listed' }, [{ version: 2, generation }])).version,
    ).toBe(3);
    expect((await patchHere('here again', `"3-${generation}"`)).status).toBe(200);
    expect((await elsewhere.update('shared', { description: 'any' }, '*')).version).toBe(5);
    await expect(
      elsewhere.update('shared', { description: 'stale' }, [{ version: 4, generation }]),
    ).rejects.toMatchObject({
      code: 'VersionConflict',
    });
    expect((await pb.call('GET', '/v1/instances/shared')).body).toMatchObject({
      version: 5,
      description: 'any',
    });
  });

  it('applies every one of six racing PATCHes with If-Match: *, each after the others it lost to', async () => {
    expect((await pb.call('POST', '/v1/instances', { name: 'raced', plugin: 'echo' })).status).toBe(201);
    // Each loses at most once to each other writer, within the five retries.
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        pb.call('PATCH', '/v1/instances/raced', { description: `writer ${i}` }, { 'if-match': '*' }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect((await pb.call('GET', '/v1/instances/raced')).body.version).toBe(7);
  });

  it('answers 404 problems for unknown plugins, instances and routes', async () => {
    expectProblem(await pb.call('POST', '/v1/instances', { name: 'ghost', plugin: 'no-such-plugin' }), 404);
    expectProblem(await pb.call('GET', '/v1/instances/no-such-instance'), 404);
    expectProblem(await pb.call('POST', '/v1/instances/no-such-instance/actions/echo', {}), 404);
    expectProblem(await pb.call('GET', '/v1/nothing-here'), 404);
    expectProblem(await pb.call('GET', '/v1/instances/echo-1/nothing-here'), 404);
  });

  it('names what a plugin has when a call names an operation or action it has not', async () => {
    await pb.createInstance('typo-config', 'kv-config');
    await pb.createInstance('typo-signer', 'hmac-signer');
    const detail = async (path: string) => {
      const res = await pb.call('POST', path, {});
      expectProblem(res, 404);
      return res.body.detail;
    };
    expect(await detail('/v1/instances/typo-config/operations/configuration.getValue')).toBe(
      'plugin "kv-config" has no operation "configuration.getValue"; known: configuration.listKeys, configuration.getValues, configuration.setValue, configuration.deleteKey',
    );
    // An action asked for as an operation, as `plugboard invoke` asks for a name that is no action.
    expect(await detail('/v1/instances/typo-signer/operations/sing')).toBe(
      'plugin "hmac-signer" has no operation "sing"; known: none; its actions are called at /actions/<name>: sign, verify',
    );
    // An operation asked for as an action.
    expect(await detail('/v1/instances/typo-config/actions/set_value')).toBe(
      'plugin "kv-config" has no action "set_value"; known: none; its operations are called at /operations/<name>: configuration.listKeys, configuration.getValues, configuration.setValue, configuration.deleteKey',
    );
    expect(await detail('/v1/instances/typo-signer/actions/sing')).toBe(
      'plugin "hmac-signer" has no action "sing"; known: sign, verify',
    );
    // An operation's own name at the actions path is no action name at all: refused before any
    // plugin is looked up, and told where it is called.
    const misplaced = await pb.call('POST', '/v1/instances/typo-config/actions/configuration.setValue', {});
    expectProblem(misplaced, 400);
    expect(misplaced.body.errors).toEqual([
      {
        pointer: '/path/action',
        detail:
          'an action name is a-z, 0-9 and "_"; "configuration.setValue" has the form of an operation, which is called at /v1/instances/typo-config/operations/configuration.setValue',
      },
    ]);
    // An instance name that is refused itself is not echoed back as a path to call.
    const badName = await pb.call('POST', '/v1/instances/Typo%3Cb%3E/actions/configuration.setValue', {});
    expectProblem(badName, 400);
    expect(badName.body.errors).toEqual([
      { pointer: '/path/name', detail: expect.stringMatching(/^an instance name is a-z/) },
      {
        pointer: '/path/action',
        detail:
          'an action name is a-z, 0-9 and "_"; "configuration.setValue" has the form of an operation, which is called at /v1/instances/<name>/operations/configuration.setValue',
      },
    ]);
    expect((await pb.call('POST', '/v1/instances/typo-config/actions/set%20value', {})).body.errors).toEqual([
      { pointer: '/path/action', detail: 'an action name is a-z, 0-9 and "_"' },
    ]);
  });

  it('answers 405 with Allow for a known path asked with a method it does not take', async () => {
    for (const [method, path, allow] of [
      ['GET', '/v1/events', 'POST'],
      ['DELETE', '/v1/plugins', 'GET, HEAD'],
      ['PUT', '/v1/instances/no-such-instance', 'DELETE, GET, HEAD, PATCH'],
      ['GET', '/v1/instances/no-such-instance/actions/echo', 'POST'],
      ['POST', '/v1/openapi.json', 'GET, HEAD'],
    ] as const) {
      const res = await pb.call(method, path, method === 'GET' ? undefined : {});
      expectProblem(res, 405);
      expect(res.headers.get('allow'), `${method} ${path}`).toBe(allow);
      expect(res.body.detail).toBe(`${method} is not served at ${path}; it takes ${allow}`);
    }
    // The plugin passthrough takes every method: a method never makes its paths unknown.
    expect((await pb.call('PATCH', '/v1/plugin-apis/no-such-instance/x', {})).status).toBe(404);
  });

  it('answers 400 naming the field for invalid options, names and bodies', async () => {
    const bad = await pb.call('POST', '/v1/instances', {
      name: 'bad',
      plugin: 'hmac-signer',
      options: { algorithm: 'md5' },
    });
    expectProblem(bad, 400);
    expect(bad.body.errors[0].pointer).toBe('/options/algorithm');
    const unknown = await pb.call('POST', '/v1/instances', {
      name: 'bad',
      plugin: 'echo',
      options: { colour: 'red' },
    });
    expect(unknown.body.errors[0].pointer).toBe('/options/colour');
    const name = await pb.call('POST', '/v1/instances', { name: '../etc', plugin: 'echo' });
    expectProblem(name, 400);
    expect(name.body.errors[0].pointer).toBe('/name');
    // A missing field is called required, a wrong one by its type, in the body and in an operation's input.
    const missing = await pb.call('POST', '/v1/instances', { plugin: 7, context: { orgSlug: null } });
    expectProblem(missing, 400);
    expect(missing.body.errors).toEqual([
      { pointer: '/name', detail: 'Required: expected string' },
      { pointer: '/plugin', detail: 'Invalid input: expected string, received number' },
      { pointer: '/context/orgSlug', detail: expect.not.stringMatching(/^Required/) },
    ]);
    const noKey = await pb.call('POST', '/v1/instances/config/operations/configuration.setValue', {
      input: { value: 'blue' },
    });
    expectProblem(noKey, 400);
    expect(noKey.body.errors).toEqual([{ pointer: '/input/key', detail: 'Required: expected string' }]);
    for (const limit of ['abc', '0', '1.5', '5000', '']) {
      for (const list of ['/v1/instances', '/v1/events/log', '/v1/webhooks/any/deliveries']) {
        const page = await pb.call('GET', `${list}?limit=${limit}`);
        expectProblem(page, 400);
        expect(page.body.errors, `${list}?limit=${limit}`).toEqual([
          { pointer: '/query/limit', detail: 'must be a whole number from 1 to 1000' },
        ]);
      }
    }
    expectProblem(await pb.call('POST', '/v1/instances', '{"name": "x", '), 400);
    expectProblem(await pb.call('POST', '/v1/instances', 'name=x', { 'content-type': 'text/plain' }), 415);
  });

  it('answers 409 when the name is taken', async () => {
    expectProblem(await pb.call('POST', '/v1/instances', { name: 'echo-1', plugin: 'echo' }), 409);
  });

  it('answers 413 for a body over 6 MB', async () => {
    const res = await pb.call('POST', '/v1/instances/echo-1/actions/echo', {
      params: { message: 'x'.repeat(6.5 * 1024 * 1024) },
    });
    expectProblem(res, 413);
  });

  it('pages through instances', async () => {
    const first = await pb.call('GET', '/v1/instances?limit=2');
    expect(first.body.instances).toHaveLength(2);
    const rest = await pb.call(
      'GET',
      `/v1/instances?limit=100&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    const names = [...first.body.instances, ...rest.body.instances].map((i: { name: string }) => i.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['echo-1', 'counter', 'config', 'logs', 'signer']));
  });

  it('deletes an instance and its credentials', async () => {
    expect((await pb.call('POST', '/v1/instances', { name: 'doomed', plugin: 'hmac-signer' })).status).toBe(
      201,
    );
    await pb.call('PUT', '/v1/instances/doomed/credentials', { values: { signingKey: CANARY } });
    expect((await pb.call('DELETE', '/v1/instances/doomed')).status).toBe(204);
    expectProblem(await pb.call('GET', '/v1/instances/doomed'), 404);
    expectProblem(await pb.call('DELETE', '/v1/instances/doomed'), 404);
  });

  it("deletes an instance's store: a new instance of the same name starts empty", async () => {
    const increment = () =>
      pb.call('POST', '/v1/instances/recycled/actions/increment', { params: { parameter: 'n' } });
    const create = () => pb.call('POST', '/v1/instances', { name: 'recycled', plugin: 'incrementer' });
    expect((await create()).status).toBe(201);
    await increment();
    expect((await increment()).body.result).toMatchObject({ previous: 1, value: 2 });
    // More items than one page of the store's listing, so clearing has to follow the cursor.
    await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        pb.call('POST', '/v1/instances/recycled/actions/increment', { params: { parameter: `c${i}` } }),
      ),
    );
    const deleted = await pb.platform.registry.getInstance('recycled');
    expect((await pb.call('DELETE', '/v1/instances/recycled')).status).toBe(204);
    expect(await pb.platform.registry.storeList(deleted!)).toEqual({
      items: [],
      nextCursor: undefined,
    });
    expect((await create()).status).toBe(201);
    expect((await increment()).body.result).toMatchObject({ previous: 0, value: 1 });
  });

  it('deletes what a call without its generation wrote under the name alone, with the store', async () => {
    expect(
      (await pb.call('POST', '/v1/instances', { name: 'bare-envelope', plugin: 'incrementer' })).status,
    ).toBe(201);
    // Where a Lambda Invoke whose envelope names no generation writes.
    const byName = { plugin: 'incrementer', name: 'bare-envelope' };
    await pb.platform.registry.storePut(byName, 'counter/n', 7);
    expect((await pb.call('DELETE', '/v1/instances/bare-envelope')).status).toBe(204);
    expect(await pb.platform.registry.storeList(byName)).toEqual({ items: [], nextCursor: undefined });
  });

  it("starts a new instance empty though its name's store from before generations holds items", async () => {
    // An instance of the name created before generations, deleted with its store not cleared.
    await pb.platform.registry.storePut({ plugin: 'incrementer', name: 'haunted' }, 'counter/n', 41);
    await expectNewCounterStartsAtZero('haunted');
  });

  it('refuses credentials without a required one named as what every object inherits', async () => {
    const manifest = ManifestSchema.parse({
      slug: 'inherited',
      name: 'Inherited names',
      version: '1.0.0',
      apiVersion: 1,
      authType: 'api_token',
      credentials: [{ name: 'constructor', label: 'Constructor' }],
    });
    await pb.platform.registry.putPlugin({
      slug: 'inherited',
      manifest,
      handlers: [],
      status: 'loaded',
      updatedAt: new Date().toISOString(),
    });
    expect((await pb.call('POST', '/v1/instances', { name: 'inherits', plugin: 'inherited' })).status).toBe(
      201,
    );
    const put = await pb.call('PUT', '/v1/instances/inherits/credentials', { values: {} });
    expectProblem(put, 400);
    expect(put.body.errors).toEqual([{ pointer: '/values/constructor', detail: 'is required' }]);
    expect((await pb.call('GET', '/v1/instances/inherits')).body.credentialsSet).toEqual([]);
  });

  it('deletes an instance though its store cannot be cleared, logging what was left for the operator', async () => {
    expect((await pb.call('POST', '/v1/instances', { name: 'sticky', plugin: 'incrementer' })).status).toBe(
      201,
    );
    await pb.call('POST', '/v1/instances/sticky/actions/increment', { params: { parameter: 'n' } });
    const logged: unknown[][] = [];
    const service = new InstanceService({
      ...pb.platform.deps,
      registry: storeListFailing(),
      log: (...line) => void logged.push(line),
    });
    await service.delete('sticky');
    expectProblem(await pb.call('GET', '/v1/instances/sticky'), 404);
    expect(logged).toEqual([
      [
        'error',
        'instance deleted, but its credentials or store were not all removed',
        { instance: 'sticky', plugin: 'incrementer', error: 'Unavailable' },
      ],
    ]);
    const log = await pb.call('GET', '/v1/events/log?limit=1000');
    expect(
      log.body.events.filter(
        (e: { 'detail-type': string; detail: { instance?: string } }) =>
          e['detail-type'] === 'Instance Deleted' && e.detail.instance === 'sticky',
      ),
    ).toHaveLength(1);
    // The next instance of the name starts empty all the same.
    await expectNewCounterStartsAtZero('sticky');
  });

  it('serves a valid OpenAPI 3.1 document', async () => {
    const res = await fetch(`${pb.platform.url}/v1/openapi.json`);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/instances/{name}/operations/{operation}', '/v1/plugins/{slug}/docs']),
    );
  });

  it('never shows the canary credential in a response, header or log line', () => {
    expect(pb.seen.join('\n')).not.toContain(CANARY);
    expect(pb.logLines.length).toBeGreaterThan(0);
    expect(pb.logLines.join('\n')).not.toContain(CANARY);
  });
});

describe('the load report over the API', () => {
  let broken: TestPlatform;
  beforeAll(async () => {
    broken = await startTestPlatform({
      pluginsDir: join(import.meta.dirname, '../fixtures/plugins-broken'),
    });
  });
  afterAll(async () => {
    await broken?.close();
  });

  it('names the folders of plugins that did not load, never where the plugins directory is', async () => {
    const res = await broken.call('GET', '/v1/plugins');
    expect(res.status).toBe(200);
    expect(res.body.skipped).toEqual([
      expect.objectContaining({ dir: 'future-api-version', slug: 'future-api-version' }),
    ]);
    expect(res.body.errors).toContainEqual(
      expect.objectContaining({ dir: 'bad-manifest', path: 'options.0.default' }),
    );
    expect(res.body.errors).toContainEqual(
      expect.objectContaining({
        dir: 'throws-on-import',
        message: expect.stringMatching(/^import failed: /),
      }),
    );
    expect(res.body.errors).toContainEqual(
      expect.objectContaining({ dir: 'missing-export', message: expect.stringMatching(/^import failed: /) }),
    );
    expect(res.text).not.toContain(import.meta.dirname.split('/test/')[0]);
    expect(res.text).not.toContain('file://');
  });

  it('says why a plugin an instance names is not served: its load error, its skip, or what is loaded', async () => {
    const created = async (plugin: string) => {
      const res = await broken.call('POST', '/v1/instances', { name: 'why-not', plugin });
      expect(res.status).toBe(404);
      return res.body.detail as string;
    };
    expect(await created('bad-manifest')).toBe(
      'plugin "bad-manifest" did not load (folder "bad-manifest"): options.0.default: default does not fit type integer',
    );
    expect(await created('future-api-version')).toMatch(
      /^plugin "future-api-version" is not served: folder "future-api-version" was skipped \(.*apiVersion/,
    );
    const loaded = (await broken.call('GET', '/v1/plugins')).body.plugins.map(
      (p: { slug: string }) => p.slug,
    );
    expect(await created('a-goood')).toBe(
      `no plugin "a-goood" is loaded; loaded: ${loaded.sort().join(', ')}`,
    );
    const reason = await created('throws-on-import');
    expect(reason).toMatch(
      /^plugin "throws-on-import" did not load \(folder "throws-on-import"\): import failed: /,
    );
    expect(reason).not.toContain(import.meta.dirname.split('/test/')[0]);
  });
});
