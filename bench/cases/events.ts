import { PatternIndex } from '../../lib/core/events/pattern';
import { startLocalPlatform } from '../../lib/local/platform';
import { reportCase } from '../child';
import { mixedEvent, mixedPattern, seeded } from '../event-mix';

/**
 * Mean microseconds PatternIndex.match takes per event with each of `sizes` mixed patterns. The sizes
 * are timed in turn, round after round, and each keeps its best round of `events` calls: within one
 * process the time per round moves by up to 2 × on this shared machine, and timed one after the other
 * a slow phase could land on one size alone (10 then 1,000 patterns gave ratios from 6.8 to 18 in
 * bench runs a few minutes apart). The machine's phases last a second or more, so the rounds span
 * about four seconds: 15 rounds (one second) gave ratios of 12.9–20.3 in three runs, 80 gave 11.0–12.5.
 */
export function matchMicros(sizes: readonly number[], rounds = 80, events = 20_000): number[] {
  const cases = sizes.map((subscriptions) => {
    const next = seeded(42);
    const index = new PatternIndex<number>();
    for (let i = 0; i < subscriptions; i++) index.add(`s${i}`, mixedPattern(i, next), i);
    const sample = Array.from({ length: 1000 }, (_, i) => mixedEvent(i, next));
    return { index, sample };
  });
  let sink = 0;
  const run = ({ index, sample }: (typeof cases)[number], count: number): number => {
    const start = performance.now();
    for (let i = 0; i < count; i++) sink += index.match(sample[i % sample.length]!).length;
    return ((performance.now() - start) * 1000) / count;
  };
  for (const each of cases) run(each, 20_000);
  const best = sizes.map(() => Number.POSITIVE_INFINITY);
  for (let round = 0; round < rounds; round++) {
    for (const [i, each] of cases.entries()) best[i] = Math.min(best[i]!, run(each, events));
  }
  if (sink < 0) throw new Error('unreachable: keeps the loops from being optimised away');
  return best;
}

export interface BusFigures {
  eventsPerS: number;
  events: number;
  deliveries: number;
  matchesPerEvent: number;
}

/**
 * What each subscription delivers to: the echo plugin's no-op `events` handler, or its `echo` action,
 * whose every call also reports an Operation Succeeded event that the bus logs and matches in turn.
 */
export type BusHandler = 'events' | 'action:echo';

/** The local bus under load, set up once and published to in runs (see `startBusBench`). */
export interface BusBench {
  /**
   * Publishes up to `events` new events, in batches of 10 (PutEvents' limit) from 10 publishers at a
   * time, stopping early at `budgetMs`, and waits until every delivery is done: figures from the first
   * publish until then. Every answer the plugin gives meanwhile is counted at the invoker, and the
   * run fails unless each expected delivery was answered successfully.
   */
  run(events: number, budgetMs: number): Promise<BusFigures>;
  close(): Promise<void>;
}

/**
 * A local platform (`start`: this checkout's, or another's for bench/compare-bus.ts) whose bus has
 * 1,000 subscriptions of mixed patterns, each delivering to `handler` of one echo instance.
 */
export async function startBusBench(
  handler: BusHandler,
  start: typeof startLocalPlatform = startLocalPlatform,
): Promise<BusBench> {
  const platform = await start({ memory: true, port: 0, watch: false, logSink: () => {} });
  try {
    const call = async (path: string, body: unknown) => {
      const response = await fetch(`${platform.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${platform.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (response.status !== 201)
        throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    };
    await call('/v1/instances', { name: 'bench-echo', plugin: 'echo' });
    const next = seeded(7);
    const patterns = Array.from({ length: 1000 }, (_, i) => mixedPattern(i, next));
    for (let i = 0; i < patterns.length; i += 20)
      await Promise.all(
        patterns
          .slice(i, i + 20)
          .map((pattern) => call('/v1/subscriptions', { pattern, instance: 'bench-echo', handler })),
      );
    const index = new PatternIndex<number>();
    for (const [i, pattern] of patterns.entries()) index.add(String(i), pattern, i);

    const kind = handler === 'events' ? 'event' : 'action';
    let answered = 0;
    const invoke = platform.invoker.invoke.bind(platform.invoker);
    platform.invoker.invoke = async (plugin, envelope) => {
      const answer = await invoke(plugin, envelope);
      if (envelope.kind === kind && answer.ok) answered++;
      return answer;
    };
    // The log keeps events by id: each run's are new.
    let logged = 0;
    return {
      run: async (events, budgetMs) => {
        const sample = Array.from({ length: events }, (_, i) => mixedEvent(logged + i, next));
        logged += events;
        answered = 0;
        const start = performance.now();
        const deadline = start + budgetMs;
        let published = 0;
        const publisher = async () => {
          while (published < sample.length && performance.now() < deadline) {
            const batch = sample.slice(published, published + 10);
            published += batch.length;
            await platform.bus.publish(batch);
          }
        };
        await Promise.all(Array.from({ length: 10 }, publisher));
        await platform.bus.idle();
        const seconds = (performance.now() - start) / 1000;
        const deliveries = sample
          .slice(0, published)
          .reduce((sum, event) => sum + index.match(event).length, 0);
        if (answered !== deliveries)
          throw new Error(`expected ${deliveries} deliveries, the plugin answered ${answered} successfully`);
        return {
          eventsPerS: published / seconds,
          events: published,
          deliveries,
          matchesPerEvent: deliveries / published,
        };
      },
      close: () => platform.close(),
    };
  } catch (error) {
    await platform.close();
    throw error;
  }
}

/**
 * The bus's events per second, after a warm-up of `warmup` events (as the HTTP cases warm up before
 * their timed window: a cold run of 2,000 events measured the JIT and the worker's first calls,
 * 2,500 events/s against 5,800 in steady state).
 */
export async function busEventsPerSecond(
  handler: BusHandler,
  events = 10_000,
  budgetMs = 15_000,
  warmup = 2_000,
): Promise<BusFigures> {
  const bench = await startBusBench(handler);
  try {
    await bench.run(warmup, budgetMs);
    return await bench.run(events, budgetMs);
  } finally {
    await bench.close();
  }
}

export async function eventCases() {
  const match = matchMicros([10, 1000]);
  return {
    match10: match[0]!,
    match1000: match[1]!,
    bus: await busEventsPerSecond('events'),
    busActions: await busEventsPerSecond('action:echo'),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) await reportCase(eventCases);
