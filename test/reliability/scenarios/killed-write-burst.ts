import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChildPlatform, startChildPlatform } from '../child-platform';
import { RELIABILITY_PLUGINS } from './events-under-faults';

export interface KilledWriteBurstResult {
  acknowledged: number;
  /** Acknowledged creates not found after the restart. */
  lost: number;
  /** Acknowledged instances listed after the restart that cannot be read back whole. */
  unreadable: number;
  /**
   * Listed after the restart but not found by name: a create in flight at the kill (never
   * acknowledged) whose index entry dynalite stored without the item, unless the restart mended it.
   */
  orphans: number;
  /** What the first few unreadable or orphaned instances answered. */
  unreadableSamples: string[];
  listed: number;
  /** Instances read back whole after the restart with no `Instance Created` in the event log. */
  unannounced: number;
  /** `Instance Created` events in the log naming an instance that cannot be read after the restart. */
  phantoms: number;
  /** Instances with more than one `Instance Created` id in the log. */
  announcedTwice: number;
}

/**
 * Creates instances eight at a time until `killAfter` are acknowledged, SIGKILLs the platform with
 * writes still in flight, restarts it on the same data dir and looks for every acknowledged one, and
 * for each instance's `Instance Created` in the event log: a create the kill caught between its
 * registry write and its event is announced by the restart.
 */
export async function runKilledWriteBurst(options: { killAfter: number }): Promise<KilledWriteBurstResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-burst-'));
  const settings = { dataDir, pluginsDir: RELIABILITY_PLUGINS };
  let platform: ChildPlatform | undefined;
  try {
    platform = await startChildPlatform(settings);
    const first = platform;
    const acknowledged: string[] = [];
    let next = 0;
    let killing: Promise<void> | undefined;
    const writer = async (): Promise<void> => {
      while (!killing) {
        const name = `burst-${next++}`;
        const created = await first
          .call('POST', '/v1/instances', { name, plugin: 'echo', options: {}, description: name })
          .catch(() => undefined);
        if (created?.status === 201) acknowledged.push(name);
        if (acknowledged.length >= options.killAfter) killing ??= first.kill();
      }
    };
    await Promise.all(Array.from({ length: 8 }, writer));
    await killing;

    platform = await startChildPlatform(settings);
    let lost = 0;
    for (const name of acknowledged) {
      const read = await platform.call('GET', `/v1/instances/${name}`);
      if (read.status !== 200 || read.body.description !== name) lost++;
    }
    const readable = new Set<string>();
    let unreadable = 0;
    let orphans = 0;
    const unreadableSamples: string[] = [];
    let listed = 0;
    let cursor: string | undefined;
    do {
      const page = await platform.call(
        'GET',
        `/v1/instances?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      if (page.status !== 200) throw new Error(`listing after the restart: ${page.status}`);
      for (const item of page.body.instances) {
        listed++;
        const read = await platform.call('GET', `/v1/instances/${item.name}`);
        if (read.status === 200 && read.body.description === item.name) readable.add(item.name);
        else {
          if (acknowledged.includes(item.name)) unreadable++;
          else orphans++;
          if (unreadableSamples.length < 5)
            unreadableSamples.push(`${item.name}: ${read.status} ${JSON.stringify(read.body).slice(0, 300)}`);
        }
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    const created = await createdEvents(platform);
    return {
      acknowledged: acknowledged.length,
      lost,
      unreadable,
      orphans,
      unreadableSamples,
      listed,
      unannounced: [...readable].filter((name) => !created.has(name)).length,
      phantoms: [...created.keys()].filter((name) => !readable.has(name)).length,
      announcedTwice: [...created.values()].filter((ids) => ids.size > 1).length,
    };
  } finally {
    await platform?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The ids of the `Instance Created` events in the log, by the instance they name. */
async function createdEvents(platform: ChildPlatform): Promise<Map<string, Set<string>>> {
  const created = new Map<string, Set<string>>();
  let cursor: string | undefined;
  do {
    const page = await platform.call(
      'GET',
      `/v1/events/log?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (page.status !== 200) throw new Error(`reading the event log after the restart: ${page.status}`);
    for (const event of page.body.events) {
      if (event['detail-type'] !== 'Instance Created') continue;
      const ids = created.get(event.detail.instance) ?? new Set<string>();
      created.set(event.detail.instance, ids.add(event.id));
    }
    cursor = page.body.nextCursor;
  } while (cursor);
  return created;
}
