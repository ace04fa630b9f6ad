import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { killAll, startChildPlatform } from '../reliability/child-platform';

const PLUGINS = join(import.meta.dirname, '../fixtures/reliability-plugins');
/** Kills, each at a random moment of a burst, on one data dir: each a chance to catch a create mid-write. */
const KILLS = 3;
const WRITERS = 16;
const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-announce-'));

afterAll(async () => {
  await killAll();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('instance events across a SIGKILL during a burst of creates', () => {
  it('has, after each restart, every instance its Instance Created in the event log, and no event of an instance that is not there', async () => {
    const settings = { dataDir, pluginsDir: PLUGINS };
    let next = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      const platform = await startChildPlatform(settings);
      let killed = false;
      const writer = async () => {
        while (!killed) {
          const name = `burst-${next++}`;
          await platform.call('POST', '/v1/instances', { name, plugin: 'echo' }).catch(() => undefined);
        }
      };
      const writers = Array.from({ length: WRITERS }, writer);
      await sleep(150 + Math.random() * 600);
      await platform.kill();
      killed = true;
      await Promise.all(writers);
    }

    const platform = await startChildPlatform(settings);
    try {
      const instances = new Set<string>();
      let cursor: string | undefined;
      do {
        const page = await platform.call(
          'GET',
          `/v1/instances?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
        );
        for (const instance of page.body.instances) instances.add(instance.name);
        cursor = page.body.nextCursor && encodeURIComponent(page.body.nextCursor);
      } while (cursor);
      const created = new Map<string, string[]>();
      do {
        const page = await platform.call(
          'GET',
          `/v1/events/log?limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
        );
        for (const event of page.body.events)
          if (event['detail-type'] === 'Instance Created')
            created.set(event.detail.instance, [...(created.get(event.detail.instance) ?? []), event.id]);
        cursor = page.body.nextCursor && encodeURIComponent(page.body.nextCursor);
      } while (cursor);

      expect(instances.size).toBeGreaterThan(0);
      expect([...instances].filter((name) => created.get(name)?.length !== 1)).toEqual([]);
      expect([...created.keys()].filter((name) => !instances.has(name))).toEqual([]);
    } finally {
      await platform.kill();
    }
  }, 120_000);
});
