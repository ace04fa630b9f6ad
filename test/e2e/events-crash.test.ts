import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killGroup, platformCaller, spawnPlatform } from './child-platform-process';
import { waitFor } from './wait-for';

const PLUGINS = join(import.meta.dirname, '../fixtures/event-plugins');
const EVENTS = 20;
const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-crash-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) void killGroup(child);
  rmSync(dataDir, { recursive: true, force: true });
});

/** `plugboard start` as its own process on the shared data dir; resolves with its URL once serving. */
async function startPlatform(): Promise<{ child: ChildProcess; url: string }> {
  const { child, url } = spawnPlatform(dataDir, PLUGINS);
  children.push(child);
  return { child, url: await url };
}

const client = (url: string) => platformCaller(url, dataDir, 10_000);

describe('the local bus across a SIGKILL', () => {
  it('delivers every acknowledged event after the process is killed mid-delivery and restarted', async () => {
    const first = await startPlatform();
    const call = client(first.url);
    expect((await call('POST', '/v1/instances', { name: 'slow', plugin: 'slow-audit' })).status).toBe(201);
    const sub = await call('POST', '/v1/subscriptions', {
      pattern: { source: ['crash-test'] },
      instance: 'slow',
      handler: 'events',
    });
    expect(sub.status).toBe(201);
    for (let i = 0; i < EVENTS; i++) {
      const put = await call('POST', '/v1/events', {
        Entries: [{ Source: 'crash-test', DetailType: 'Tick', Detail: JSON.stringify({ i }) }],
      });
      expect(put.status).toBe(200);
    }
    const before = (await call('POST', '/v1/instances/slow/actions/count', {})).body.result.count;
    await killGroup(first.child);
    expect(before).toBeLessThan(EVENTS);

    const second = await startPlatform();
    const again = client(second.url);
    await waitFor(
      async () => (await again('POST', '/v1/instances/slow/actions/count', {})).body.result.count === EVENTS,
      20_000,
      'every event to be delivered after the restart',
    );
    expect((await again('GET', '/v1/dlq')).body.deadLetters).toEqual([]);
    await killGroup(second.child);
  }, 90_000);
});
