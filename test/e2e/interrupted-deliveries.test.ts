import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileEventLog } from '../../lib/local/bus/file-event-log';
import { loggedEvent } from '../fixtures/logged-event';
import { startTestPlatform, type TestPlatform } from './harness';
import { waitFor } from './wait-for';

const dirs: string[] = [];
const platforms: TestPlatform[] = [];
afterAll(async () => {
  await Promise.all(platforms.map((pb) => pb.close()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A platform on a data folder of its own, kept on disk so that a second start finds what the first left. */
async function startOn(dataDir: string, plugins?: string) {
  const pb = await startTestPlatform({
    memory: false,
    dataDir,
    pluginsDir: plugins && join(import.meta.dirname, '../fixtures', plugins),
  });
  platforms.push(pb);
  return pb;
}

function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'plugboard-interrupted-'));
  dirs.push(dir);
  return dir;
}

/** Events of the `test` source, the first `second`s after a time, in the order the log lists them. */
const at = (id: string, second: number) =>
  loggedEvent(id, new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString());

interface Span {
  id: string;
  attempt: number;
  failed: boolean;
  startedAt: number;
  endedAt: number;
}

const overlap = (a: Span, b: Span) => a.startedAt < b.endedAt && b.startedAt < a.endedAt;

/**
 * A platform restarted on a log as a process leaves it that died in the attempts `starts` counts (those
 * with none were merely waiting), in that order, with a `slow-audit` instance of `options` taking every
 * event; `later` is published meanwhile. Resolves once the bus is idle, with the attempts recorded.
 */
async function restartedAfterDeath(options: Record<string, number>, starts: Record<string, number>) {
  const dataDir = dataFolder();
  const first = await startOn(dataDir, 'event-plugins');
  await first.createInstance('slow', 'slow-audit', options);
  const subscribed = await first.call('POST', '/v1/subscriptions', {
    pattern: { source: ['test'] },
    instance: 'slow',
    handler: 'events',
  });
  expect(subscribed.status).toBe(201);
  await first.close();

  const log = await FileEventLog.open({ file: join(dataDir, 'events.ndjson') });
  for (const [second, [id, count]] of Object.entries(starts).entries()) {
    await log.appendEvent(at(id, second));
    for (let i = 0; i < count; i++) await log.startAttempt(id);
  }
  await log.close();

  const second = await startOn(dataDir, 'event-plugins');
  // Published while the interrupted ones are delivered: it waits as well.
  await second.platform.bus.publish([at('later', 30)]);
  await second.platform.bus.idle();
  const spans: Span[] = (await second.call('POST', '/v1/instances/slow/actions/spans', {})).body.result.spans;
  return { second, subscription: subscribed.body.id as string, spans };
}

describe('the local bus after the process died in deliveries', () => {
  it('delivers the interrupted events one at a time before any other, and dead-letters one interrupted twice', async () => {
    // Died once with `s1` and `s2` in flight, and twice with `p` in flight.
    const {
      second,
      subscription,
      spans: recorded,
    } = await restartedAfterDeath({ delayMs: 150 }, { i1: 0, i2: 0, i3: 0, s1: 1, p: 2, s2: 1 });
    const spans = new Map(recorded.map((span) => [span.id, span]));
    expect([...spans.keys()].sort()).toEqual(['i1', 'i2', 'i3', 'later', 's1', 's2']);
    const [s1, s2] = [spans.get('s1')!, spans.get('s2')!];
    expect(s1.endedAt <= s2.startedAt || s2.endedAt <= s1.startedAt).toBe(true);
    const others = ['i1', 'i2', 'i3', 'later'].map((id) => spans.get(id)!);
    const suspectsDone = Math.max(s1.endedAt, s2.endedAt);
    for (const other of others) expect(other.startedAt).toBeGreaterThanOrEqual(suspectsDone);
    // The rest are delivered as usual, side by side.
    expect(Math.min(...others.map((o) => o.endedAt))).toBeGreaterThan(
      Math.max(...others.map((o) => o.startedAt)),
    );

    const letterId = `p:${subscription}`;
    const dlq = await second.call('GET', '/v1/dlq');
    expect(dlq.body.deadLetters).toEqual([
      expect.objectContaining({
        id: letterId,
        target: subscription,
        attempts: 2,
        reason: expect.stringContaining('the platform process died during its delivery 2 times'),
        event: expect.objectContaining({ id: 'p' }),
      }),
    ]);
    expect((await second.platform.eventStore.listPending()).items).toEqual([]);

    // Redriven as any letter, its attempts counted on from the two.
    expect((await second.call('POST', '/v1/dlq/redrive', { ids: [letterId] })).status).toBe(202);
    await waitFor(async () => (await second.call('GET', '/v1/dlq')).body.deadLetters.length === 0);
    const redriven = (await second.call('POST', '/v1/instances/slow/actions/spans', {})).body.result.spans;
    expect(redriven).toContainEqual(expect.objectContaining({ id: 'p', attempt: 3 }));
  }, 60_000);

  it('delivers the rest while an interrupted event waits out its backoff, each of its attempts still alone', async () => {
    // Died with `s1`, `s2` and `s3` in flight.
    const { second, spans } = await restartedAfterDeath(
      { delayMs: 100, failures: 1 },
      { i1: 0, s1: 1, i2: 0, s2: 1, s3: 1 },
    );
    // Every event's first attempt failed, after which it waited out a backoff of a second.
    expect(spans.map((span) => `${span.id}/${span.attempt}/${span.failed}`).sort()).toEqual(
      ['i1', 'i2', 'later', 's1', 's2', 's3'].flatMap((id) => [`${id}/1/true`, `${id}/2/false`]),
    );
    const interrupted = spans.filter((span) => span.id.startsWith('s'));
    for (const span of interrupted)
      expect(spans.filter((other) => other !== span && overlap(span, other))).toEqual([]);
    // The others did not wait for the interrupted events' backoffs to end.
    const lastRetry = Math.max(...interrupted.filter((s) => s.attempt === 2).map((s) => s.startedAt));
    for (const span of spans.filter((s) => !s.id.startsWith('s') && s.attempt === 1))
      expect(span.startedAt).toBeLessThan(lastRetry);
    expect((await second.call('GET', '/v1/dlq')).body.deadLetters).toEqual([]);
    expect((await second.platform.eventStore.listPending()).items).toEqual([]);
  }, 60_000);

  it('does not count a delivery the platform stopped as interrupted', async () => {
    const dataDir = dataFolder();
    const pb = await startOn(dataDir);
    await pb.createInstance('refuser', 'audit-log', { reject: true });
    const subscribed = await pb.call('POST', '/v1/subscriptions', {
      pattern: { source: ['test'] },
      instance: 'refuser',
      handler: 'events',
    });
    expect(subscribed.status).toBe(201);
    await pb.platform.bus.publish([at('refused', 0)]);
    // Its first attempt failed: the delivery waits out its backoff when the platform stops.
    await waitFor(async () => pb.logLines.some((line) => line.includes('event delivery failed')));
    await pb.close();

    const lines = readFileSync(join(dataDir, 'events.ndjson'), 'utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line)).filter((line) => line.id === 'refused')).toEqual([
      { op: 'start', id: 'refused' },
      { op: 'end', id: 'refused' },
    ]);
    const log = await FileEventLog.open({ file: join(dataDir, 'events.ndjson') });
    expect((await log.listPending()).items.map((e) => e.id)).toEqual(['refused']);
    expect(await log.interruptedAttempts('refused')).toBe(0);
    await log.close();
  }, 60_000);
});
