import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../lib/core/envelope';
import { WorkerInvoker } from '../../lib/local/worker/worker-invoker';
import { refusingHost } from './refusing-host';

const entry = join(import.meta.dirname, '../fixtures/fault-plugins/faulty/index.ts');
let dir: string;
let invoker: WorkerInvoker;
const logged: unknown[] = [];

const envelope = (name: string, timeoutMs = 1000): Envelope => ({
  v: 1,
  kind: 'action',
  plugin: 'faulty',
  instance: 'f1',
  name,
  input: {},
  requestId: `req-${name}`,
  deadline: Date.now() + timeoutMs,
});

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plugboard-worker-'));
  invoker = new WorkerInvoker({
    bundleDir: dir,
    hostFor: () => refusingHost('the faulty plugin makes no platform calls'),
    onLog: (entry) => void logged.push(entry),
  });
  await invoker.load([{ slug: 'faulty', entry, memoryMb: 64 }]);
});
afterAll(async () => {
  await invoker.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('WorkerInvoker', () => {
  it('answers a normal call', async () => {
    expect(await invoker.invoke('faulty', envelope('ok'))).toEqual({ ok: true, result: { fine: true } });
  });

  it("maps a thrown error to PluginFailed naming its type, its message and stack in the plugin's log", async () => {
    const answer = await invoker.invoke('faulty', envelope('throw'));
    expect(answer).toMatchObject({ ok: false, error: { code: 'PluginFailed' } });
    expect(JSON.stringify(answer)).not.toContain('boom at the plugin');
    expect(JSON.stringify(answer)).not.toMatch(/\bat .*:\d+:\d+/);
    expect(logged).toContainEqual(
      expect.objectContaining({
        level: 'error',
        requestId: 'req-throw',
        fields: expect.objectContaining({
          error: 'boom at the plugin',
          stack: expect.stringContaining('at '),
        }),
      }),
    );
  });

  const pastDeadline = [
    ['sleep', 'answers Timeout for a sleeping handler at its deadline, keeping the worker'],
    ['hang', 'replaces a worker that hangs, answering Timeout within the deadline plus a second'],
  ] as const;
  for (const [action, title] of pastDeadline) {
    it(title, async () => {
      const started = Date.now();
      const answer = await invoker.invoke('faulty', envelope(action, 300));
      expect(answer).toMatchObject({ ok: false, error: { code: 'Timeout' } });
      expect(Date.now() - started).toBeLessThan(1300);
      expect(await invoker.invoke('faulty', envelope('ok'))).toMatchObject({ ok: true });
    });
  }

  it('survives process.exit in a plugin', async () => {
    const answer = await invoker.invoke('faulty', envelope('exit'));
    expect(answer).toMatchObject({ ok: false, error: { code: 'PluginFailed' } });
    expect(await invoker.invoke('faulty', envelope('ok'))).toMatchObject({ ok: true });
  });

  it('survives a plugin that runs out of memory', async () => {
    const answer = await invoker.invoke('faulty', envelope('oom', 20_000));
    expect(answer).toMatchObject({ ok: false, error: { code: 'PluginFailed' } });
    expect(JSON.stringify(answer)).toContain('memory');
    expect(await invoker.invoke('faulty', envelope('ok'))).toMatchObject({ ok: true });
  });

  it('refuses an answer over 6 MB', async () => {
    const answer = await invoker.invoke('faulty', envelope('huge', 5000));
    expect(answer).toMatchObject({ ok: false, error: { code: 'PluginFailed' } });
    expect(JSON.stringify(answer)).toContain('6 MB');
  });

  it('keeps typed errors and their retryAt', async () => {
    const answer = await invoker.invoke('faulty', envelope('rate_limited'));
    expect(answer).toMatchObject({ ok: false, error: { code: 'RateLimited' } });
    if (!answer.ok) expect(Date.parse(answer.error.retryAt ?? '')).toBeGreaterThan(Date.now());
  });

  it('turns an answer that is not JSON into PluginFailed', async () => {
    expect(await invoker.invoke('faulty', envelope('unserializable'))).toMatchObject({
      ok: false,
      error: { code: 'PluginFailed' },
    });
  });

  it('answers NotFound for a plugin it does not run', async () => {
    expect(await invoker.invoke('nope', { ...envelope('ok'), plugin: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'NotFound' },
    });
  });
});
