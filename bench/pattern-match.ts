/**
 * Micro-measurement of PatternIndex.match: microseconds per event for N subscriptions with a mix of
 * patterns like the platform's (exact source/detail-type, prefixes, $or, and some that cannot be routed).
 * Run: npx tsx bench/pattern-match.ts
 */
import { compilePattern, type EventPattern, matches, PatternIndex } from '../lib/core/events/pattern';

/** Distinct plugin sources and detail types events carry; patterns pick theirs from the same sets. */
const SOURCES = 1000;
const TYPES = 20;

const sourceName = (n: number): string => `plugboard.plugin.p${String(n).padStart(4, '0')}`;

/** Deterministic pseudo-random numbers so every run measures the same workload. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * The mix: 60% exact source and detail-type, 20% exact detail-type with a narrow numeric range, 10% a source
 * prefix, 8% a source list with `$or` on detail, 2% detail-only patterns that cannot be routed.
 */
function mixedPattern(i: number, next: () => number): EventPattern {
  const source = sourceName(Math.floor(next() * SOURCES));
  const type = `Type ${Math.floor(next() * TYPES)}`;
  const kind = i % 50;
  if (kind < 30) return { source: [source], 'detail-type': [type] };
  if (kind < 40) {
    const low = Math.floor(next() * 990);
    return { 'detail-type': [type], detail: { amount: [{ numeric: ['>', low, '<=', low + 10] }] } };
  }
  if (kind < 45)
    return { source: [{ prefix: source.slice(0, -1) }], detail: { state: [{ 'anything-but': 'deleted' }] } };
  if (kind < 49)
    return {
      source: [source, 'plugboard'],
      $or: [{ detail: { a: [1] } }, { detail: { b: [{ exists: true }] } }],
    };
  return { detail: { state: [{ wildcard: `s*${i % 97}` }], region: [{ exists: false }] } };
}

function event(next: () => number) {
  return {
    version: '0',
    id: 'e',
    source: sourceName(Math.floor(next() * SOURCES)),
    'detail-type': `Type ${Math.floor(next() * TYPES)}`,
    account: '000000000000',
    time: '2024-01-01T00:00:00Z',
    region: 'local',
    resources: [],
    detail: { amount: Math.floor(next() * 1000), state: `s${Math.floor(next() * 1000)}`, a: 1 },
  };
}

/** Mean microseconds to match one event against `subscriptions` patterns. */
export function matchMicros(subscriptions: number, events = 20_000): { micros: number; matched: number } {
  const next = random(42);
  const index = new PatternIndex<number>();
  for (let i = 0; i < subscriptions; i++) index.add(`s${i}`, mixedPattern(i, next), i);
  const sample = Array.from({ length: 1000 }, () => event(next));
  let matched = 0;
  for (let i = 0; i < 5000; i++) index.match(sample[i % sample.length]);
  const start = process.hrtime.bigint();
  for (let i = 0; i < events; i++) matched += index.match(sample[i % sample.length]).length;
  const micros = Number(process.hrtime.bigint() - start) / 1000 / events;
  return { micros, matched: matched / events };
}

/** The same workload matched naively, every pattern against every event: what the index saves. */
export function naiveMicros(subscriptions: number, events = 2_000): number {
  const next = random(42);
  const compiled = Array.from({ length: subscriptions }, (_, i) => compilePattern(mixedPattern(i, next)));
  const sample = Array.from({ length: 1000 }, () => event(next));
  for (const e of sample) for (const pattern of compiled) matches(pattern, e);
  const start = process.hrtime.bigint();
  for (let i = 0; i < events; i++) {
    const e = sample[i % sample.length];
    for (const pattern of compiled) matches(pattern, e);
  }
  return Number(process.hrtime.bigint() - start) / 1000 / events;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const n of [10, 100, 1000, 10_000]) {
    // Best of three runs: the machine is shared, and the minimum is the least disturbed figure.
    const runs = [matchMicros(n), matchMicros(n), matchMicros(n)];
    const { micros, matched } = runs.reduce((best, run) => (run.micros < best.micros ? run : best));
    const naive = naiveMicros(n);
    console.log(
      `${String(n).padStart(6)} subscriptions: ${micros.toFixed(2)} µs/event indexed, ${naive.toFixed(2)} µs naive, ${matched.toFixed(2)} matches/event`,
    );
  }
}
