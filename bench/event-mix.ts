import type { EventPattern } from '../lib/core/events/pattern';
import type { PlatformEvent } from '../lib/sdk/events';

/**
 * The events and subscription patterns the event benchmarks use: plugin sources and detail types drawn
 * from fixed sets, patterns of every kind the platform supports, all from a seeded generator so each
 * run measures the same workload.
 */
const SOURCES = 1000;
const TYPES = 20;

const sourceName = (n: number): string => `plugboard.plugin.p${String(n).padStart(4, '0')}`;

/** Deterministic pseudo-random numbers in [0, 1) (a linear congruential generator). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * 60% exact source and detail-type, 20% detail-type with a numeric range, 10% source prefix with
 * anything-but, 8% a source list with `$or`, 2% detail-only (wildcard, exists) that no index can route.
 */
export function mixedPattern(i: number, next: () => number): EventPattern {
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

export function mixedEvent(i: number, next: () => number): PlatformEvent {
  return {
    version: '0',
    id: `bench-${i}`,
    source: sourceName(Math.floor(next() * SOURCES)),
    'detail-type': `Type ${Math.floor(next() * TYPES)}`,
    account: '000000000000',
    time: '2024-01-01T00:00:00Z',
    region: 'local',
    resources: [],
    detail: { amount: Math.floor(next() * 1000), state: `s${Math.floor(next() * 1000)}`, a: 1 },
  };
}
