/**
 * Micro-measurement of PatternIndex.match against naive matching on the benchmark's pattern mix:
 * microseconds per event for 10 to 10,000 subscriptions. Run: npx tsx bench/pattern-match.ts
 */
import { compilePattern, matches } from '../lib/core/events/pattern';
import { matchMicros } from './cases/events';
import { mixedEvent, mixedPattern, seeded } from './event-mix';

/** The same workload matched naively, every pattern against every event: what the index saves. */
function naiveMicros(subscriptions: number, events = 2_000): number {
  const next = seeded(42);
  const compiled = Array.from({ length: subscriptions }, (_, i) => compilePattern(mixedPattern(i, next)));
  const sample = Array.from({ length: 1000 }, (_, i) => mixedEvent(i, next));
  const start = performance.now();
  for (let i = 0; i < events; i++) {
    const event = sample[i % sample.length];
    for (const pattern of compiled) matches(pattern, event);
  }
  return ((performance.now() - start) * 1000) / events;
}

const sizes = [10, 100, 1000, 10_000];
const indexed = matchMicros(sizes);
for (const [i, n] of sizes.entries()) {
  console.log(
    `${String(n).padStart(6)} subscriptions: ${indexed[i]!.toFixed(2)} µs/event indexed, ${naiveMicros(n).toFixed(2)} µs naive`,
  );
}
