import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALWAYS_FAILING_PERCENT, bucket } from '../../fixtures/reliability-plugins/flaky-subscriber';
import { type ChildPlatform, startChildPlatform } from '../child-platform';

export const RELIABILITY_PLUGINS = join(import.meta.dirname, '../../fixtures/reliability-plugins');
const SOURCE = 'reliability';

/** Two instances take every event; the second also takes the even ones through a second subscription. */
const SUBSCRIPTIONS = [
  { instance: 'flaky-a', pattern: { source: [SOURCE] } },
  { instance: 'flaky-b', pattern: { source: [SOURCE] } },
  { instance: 'flaky-b', pattern: { source: [SOURCE], detail: { even: [true] } } },
] as const;

export interface EventsUnderFaultsResult {
  events: number;
  expectedDeliveries: number;
  delivered: number;
  deadLetters: number;
  expectedDeadLetters: number;
  /** Deliveries of an effect already made (after the kill), absorbed by the idempotency key. */
  duplicatesAbsorbed: number;
  effectsBeforeKill: number;
  missing: number;
  inBoth: number;
  seconds: number;
}

/**
 * Publishes `events` events to three subscriptions whose handlers fail on purpose (30% transiently,
 * 5% always, by hash of event id), SIGKILLs the platform once half are acknowledged, restarts it on
 * the same data dir, publishes the rest and waits until every delivery is an effect or a dead letter.
 */
export async function runEventsUnderFaults(options: {
  events: number;
  timeoutMs: number;
}): Promise<EventsUnderFaultsResult> {
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-events-faults-'));
  const settings = {
    dataDir,
    pluginsDir: RELIABILITY_PLUGINS,
    retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
  };
  let platform: ChildPlatform | undefined;
  try {
    platform = await startChildPlatform(settings);
    const subscriptionIds: string[] = [];
    for (const instance of new Set(SUBSCRIPTIONS.map((s) => s.instance)))
      expectStatus(
        await platform.call('POST', '/v1/instances', { name: instance, plugin: 'flaky-subscriber' }),
        201,
      );
    for (const { instance, pattern } of SUBSCRIPTIONS) {
      const created = await platform.call('POST', '/v1/subscriptions', {
        pattern,
        instance,
        handler: 'events',
      });
      expectStatus(created, 201);
      subscriptionIds.push(created.body.id);
    }

    const half = Math.floor(options.events / 2);
    const acknowledged = await publish(platform, 0, half);
    const effectsBeforeKill = (await listKeys(platform, 'flaky-a', 'effect/')).length;
    await platform.kill();
    platform = await startChildPlatform(settings);
    acknowledged.push(...(await publish(platform, half, options.events)));

    // Every acknowledged event at every subscription it matches, and which of those always fail.
    const expected = new Set<string>();
    const expectedDead = new Set<string>();
    for (const { id, i } of acknowledged) {
      SUBSCRIPTIONS.forEach((s, at) => {
        if ('detail' in s.pattern && i % 2 !== 0) return;
        const key = `${id}:${subscriptionIds[at]}`;
        expected.add(key);
        if (bucket(id, s.instance) < ALWAYS_FAILING_PERCENT) expectedDead.add(key);
      });
    }

    const deadline = Date.now() + options.timeoutMs;
    let effects = new Set<string>();
    let dead = new Set<string>();
    for (;;) {
      effects = new Set([
        ...(await listKeys(platform, 'flaky-a', 'effect/')),
        ...(await listKeys(platform, 'flaky-b', 'effect/')),
      ]);
      dead = new Set(await deadLetterIds(platform));
      const settled = [...expected].every((key) => effects.has(key) || dead.has(key));
      if (settled || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const duplicatesAbsorbed =
      (await listKeys(platform, 'flaky-a', 'duplicate/')).length +
      (await listKeys(platform, 'flaky-b', 'duplicate/')).length;
    return {
      events: acknowledged.length,
      expectedDeliveries: expected.size,
      delivered: effects.size,
      deadLetters: dead.size,
      expectedDeadLetters: expectedDead.size,
      duplicatesAbsorbed,
      effectsBeforeKill,
      missing: [...expected].filter((key) => !effects.has(key) && !dead.has(key)).length,
      inBoth: [...effects].filter((key) => dead.has(key)).length,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    await platform?.kill();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Events [from, to) in PutEvents batches of 10, four requests at a time; the ids acknowledged. */
async function publish(platform: ChildPlatform, from: number, to: number) {
  const acknowledged: { id: string; i: number }[] = [];
  const batches: number[][] = [];
  for (let i = from; i < to; i += 10) batches.push(range(i, Math.min(to, i + 10)));
  const next = async (): Promise<void> => {
    const batch = batches.shift();
    if (!batch) return;
    const Entries = batch.map((i) => ({
      Source: SOURCE,
      DetailType: 'Tick',
      Detail: JSON.stringify({ i, even: i % 2 === 0 }),
    }));
    const put = await platform.call('POST', '/v1/events', { Entries });
    expectStatus(put, 200);
    const ids: { EventId: string }[] = put.body.Entries;
    ids.forEach((entry, at) => {
      acknowledged.push({ id: entry.EventId, i: batch[at] as number });
    });
    return next();
  };
  await Promise.all([next(), next(), next(), next()]);
  return acknowledged;
}

/**
 * Every key under a prefix. A page may time out while thousands of deliveries keep the plugin's
 * worker and the registry busy, so a failed page is asked again after a pause.
 */
async function listKeys(platform: ChildPlatform, instance: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  for (let failures = 0; ; ) {
    const page = await platform.call('POST', `/v1/instances/${instance}/actions/keys`, {
      params: { prefix, ...(cursor ? { cursor } : {}) },
    });
    if (page.status !== 200 && ++failures <= 20) {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      continue;
    }
    expectStatus(page, 200);
    keys.push(...page.body.result.keys);
    cursor = page.body.result.nextCursor;
    if (!cursor) return keys;
  }
}

async function deadLetterIds(platform: ChildPlatform): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const query = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const page = await platform.call('GET', `/v1/dlq?limit=1000${query}`);
    expectStatus(page, 200);
    ids.push(...page.body.deadLetters.map((letter: { id: string }) => letter.id));
    cursor = page.body.nextCursor;
  } while (cursor);
  return ids;
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

function expectStatus(response: { status: number; body: unknown }, status: number): void {
  if (response.status !== status)
    throw new Error(`expected ${status}, got ${response.status}: ${JSON.stringify(response.body)}`);
}
