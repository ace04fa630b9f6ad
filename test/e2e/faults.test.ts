import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../lib/cli/program';
import { ERROR_TABLE } from '../../lib/sdk/errors';
import { ENTRY_LIMIT, padTo } from '../fixtures/entry-size';
import { startTestPlatform, type TestPlatform } from './harness';

let pb: TestPlatform;

beforeAll(async () => {
  pb = await startTestPlatform({ pluginsDir: join(import.meta.dirname, '../fixtures/fault-plugins') });
  expect((await pb.call('POST', '/v1/instances', { name: 'f', plugin: 'faulty' })).status).toBe(201);
});
afterAll(async () => {
  await pb?.close();
});

const act = (name: string) => pb.call('POST', `/v1/instances/f/actions/${name}`, {});
const STACK_LINE = /\bat .+:\d+:\d+|node:internal|\/[\w.-]+\/[\w.-]+\.(ts|js|mjs)\b/;

describe('plugin faults through the HTTP API', () => {
  it('a plugin that throws gives 502 with a requestId and no stack or path', async () => {
    const res = await act('throw');
    expect(res.status).toBe(502);
    expect(res.body.requestId).toEqual(expect.any(String));
    expect(res.headers.get('x-request-id')).toBe(res.body.requestId);
    expect(res.text).not.toMatch(STACK_LINE);
    expect((await act('ok')).status).toBe(200);
  });

  it('a plugin that hangs gives 504 within its timeout plus one second, and the next call succeeds', async () => {
    const started = Date.now();
    const res = await act('hang');
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(res.body.detail).toMatch(
      /^the plugin did not answer before its deadline.*: plugin "faulty" gives a call 1 s \(timeoutSeconds in its manifest, 1 to 29\)$/,
    );
    const asleep = await act('sleep');
    expect(asleep.status).toBe(504);
    expect(asleep.body.detail).toBe(
      'the plugin did not answer before its deadline: plugin "faulty" gives a call 1 s (timeoutSeconds in its manifest, 1 to 29)',
    );
    // A plugin's own Timeout (an upstream it gave up on) long before its deadline is its word alone.
    const own = await pb.call('POST', '/v1/instances/f/actions/answer', {
      params: { text: '{"ok":false,"error":{"code":"Timeout","message":"the upstream took too long"}}' },
    });
    expect(own.status).toBe(504);
    expect(own.body.detail).toBe('the upstream took too long');
    expect((await act('ok')).status).toBe(200);
  });

  it('a plugin that calls process.exit gives 502 and the platform keeps serving', async () => {
    const res = await act('exit');
    expect(res.status).toBe(502);
    expect((await act('ok')).status).toBe(200);
    expect((await pb.call('GET', '/v1/health')).status).toBe(200);
  });

  it('a plugin that throws an untyped error names its type, its message going to the log only', async () => {
    const res = await act('throw_path');
    expect(res.status).toBe(502);
    expect(res.body.detail).toBe("the plugin threw Error; its message is in the plugin's log");
    expect(res.text).not.toContain('config.json');
    expect(pb.logLines.some((line) => line.includes('ENOENT') && line.includes('config.json'))).toBe(true);
  });

  it('a plugin answer is held to what a plugin may say, whatever it sends', async () => {
    const codes = [...Object.keys(ERROR_TABLE), 'Bogus', ''];
    const answer = fc.record(
      {
        code: fc.constantFrom(...codes),
        message: fc.oneof(
          fc.string({ maxLength: 50 }),
          // A stack trace as this machine writes one, its frames naming real files.
          fc.constant(`Error: boom\n${new Error('boom').stack!.split('\n').slice(1).join('\n')}`),
          fc.constant('x'.repeat(5000)),
        ),
        retryAt: fc.oneof(
          fc.constant('99999999999999'),
          fc.constant('garbage'),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        details: fc.oneof(
          fc.record({
            errors: fc.array(
              fc.oneof(fc.anything(), fc.record({ pointer: fc.string(), detail: fc.string() })),
            ),
          }),
          fc.dictionary(fc.string(), fc.jsonValue()),
        ),
      },
      { requiredKeys: ['code', 'message'] },
    );
    await fc.assert(
      fc.asyncProperty(answer, async (error) => {
        const res = await pb.call('POST', '/v1/instances/f/actions/answer', {
          params: { text: JSON.stringify({ ok: false, error }) },
        });
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect([400, 404, 409, 410, 413, 429, 502, 503, 504]).toContain(res.status);
        expect(res.body.detail).not.toContain('\n');
        expect(res.body.detail.length).toBeLessThanOrEqual(1000);
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
        for (const fieldError of res.body.errors ?? [])
          expect(fieldError).toEqual({ pointer: expect.any(String), detail: expect.any(String) });
      }),
      { numRuns: 80, seed: 20261127 },
    );
    expect((await act('ok')).status).toBe(200);
  });

  it("what the store refuses of a plugin is the plugin's failure, and a cursor it never made CursorExpired", async () => {
    const refused = await act('store_refused');
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({
      code: 'PluginFailed',
      detail: expect.stringMatching(/^ctx\.store\.put was refused: /),
    });
    const cursor = await act('store_cursor');
    expect(cursor.status).toBe(410);
    expect(cursor.body).toMatchObject({ code: 'CursorExpired' });
  });

  it('publishes a detail as JSON holds it, as EventBridge takes it: a Date as its ISO string', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    expect((await act('publish_date')).status).toBe(200);
    const { events } = (await pb.call('GET', `/v1/events/log?from=${since}&limit=1000`)).body;
    const dated = events.find((e: { 'detail-type': string }) => e['detail-type'] === 'Dated');
    expect(dated.detail).toEqual({ at: '1970-01-01T00:00:00.000Z', instance: 'f' });
  });

  it('publishes an event whose entry is exactly 256 KB and fails the plugin for one a byte over', async () => {
    // The runtime adds the instance to every detail the plugin publishes.
    const base = {
      source: 'plugboard.plugin.faulty',
      'detail-type': 'Padded',
      resources: [],
      detail: { pad: '', instance: 'f' },
    };
    const publish = (bytes: number) =>
      pb.call('POST', '/v1/instances/f/actions/publish_pad', { params: { pad: padTo(base, bytes, 'é') } });
    expect((await publish(ENTRY_LIMIT)).status).toBe(200);
    const refused = await publish(ENTRY_LIMIT + 1);
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({
      code: 'PluginFailed',
      detail:
        "ctx.publish was refused: the event is 262145 bytes as a PutEvents entry, over EventBridge's limit of 262144 bytes (256 KB)",
    });
  });

  it('runs the lifecycle hooks of a plugin whose calls need credentials, before they are set and after', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    expect((await pb.call('POST', '/v1/instances', { name: 'k', plugin: 'keyed' })).status).toBe(201);
    expect((await pb.call('DELETE', '/v1/instances/k')).status).toBe(204);
    await pb.platform.events.router.idle();
    const { events } = (await pb.call('GET', `/v1/events/log?from=${since}&limit=1000`)).body;
    const hooks = events
      .filter((e: { 'detail-type': string }) => e['detail-type'] === 'Keyed Hook Ran')
      .map((e: { detail: { hook: string } }) => e.detail.hook);
    expect(hooks.sort()).toEqual(['onInstanceCreated', 'onInstanceDeleted']);
    expect((await pb.call('GET', '/v1/dlq')).body.deadLetters).toEqual([]);
  });

  it('RateLimited gives 429 with Retry-After', async () => {
    const res = await act('rate_limited');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('the CLI says when a rate-limited call may be retried, and prints the problem on stdout with --json', async () => {
    const out: string[] = [];
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line) => void out.push(String(line)));
    vi.spyOn(console, 'error').mockImplementation((line) => void err.push(String(line)));
    try {
      const endpoint = ['--endpoint', pb.platform.url, '--token', pb.platform.token];
      await runCli(['node', 'plugboard', 'invoke', 'f', 'rate_limited', ...endpoint]);
      expect(process.exitCode).toBe(1);
      expect(err).toEqual([
        expect.stringMatching(/^plugboard: RateLimited \(429\): .*; retry after \d{4}-\d\d-\d\dT/),
      ]);
      await runCli(['node', 'plugboard', 'invoke', 'f', 'rate_limited', '--json', ...endpoint]);
      expect(process.exitCode).toBe(1);
      expect(JSON.parse(out.join('\n'))).toMatchObject({
        status: 429,
        code: 'RateLimited',
        retryAt: expect.any(String),
      });
    } finally {
      vi.restoreAllMocks();
      process.exitCode = undefined;
    }
  });

  it('an answer over 6 MB gives 502', async () => {
    const res = await act('huge');
    expect(res.status).toBe(502);
    expect(res.body.detail).toContain('6 MB');
  });
});

describe('requests the HTTP parser refuses', () => {
  it('answers a URL over 16 KB with a 431 problem, and keeps serving', async () => {
    const res = await fetch(`${pb.platform.url}/v1/instances/${'a'.repeat(20_000)}`, {
      headers: { authorization: `Bearer ${pb.platform.token}` },
    });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({
      status: 431,
      code: 'HeadersTooLarge',
      requestId: expect.any(String),
    });
    expect((await pb.call('GET', '/v1/health')).status).toBe(200);
  });
});
