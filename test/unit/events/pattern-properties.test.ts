import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  type EventPattern,
  matches,
  PatternIndex,
  validatePattern,
} from '../../../lib/core/events/pattern';
import { PATTERN_CASE_GROUPS } from './pattern-cases';

const tablePatterns = PATTERN_CASE_GROUPS.flatMap((group) => group.cases.map(([, pattern]) => pattern));

/** A pattern made of the event's own leaf values, each wrapped in an array; undefined if nothing to take. */
function patternFrom(value: unknown): EventPattern | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const pattern: EventPattern = {};
  for (const [key, field] of Object.entries(value)) {
    if (key === '$or') continue;
    if (Array.isArray(field)) {
      const leaves = field.filter((v) => v === null || typeof v !== 'object');
      const firstObject = field.find((v) => typeof v === 'object' && v !== null && !Array.isArray(v));
      if (leaves.length > 0) pattern[key] = leaves;
      else if (firstObject !== undefined) {
        const inner = patternFrom(firstObject);
        if (inner) pattern[key] = inner;
      }
    } else if (typeof field === 'object' && field !== null) {
      const inner = patternFrom(field);
      if (inner) pattern[key] = inner;
    } else {
      pattern[key] = [field];
    }
  }
  return Object.keys(pattern).length > 0 ? pattern : undefined;
}

const SOURCES = ['app.orders', 'app.billing', 'plugboard', 'plugboard.plugin.echo', 'aws.ec2'];
const TYPES = ['Created', 'Updated', 'Deleted', 'Order Placed'];

/** Values of one pattern field, from a small vocabulary so that random events match often. */
const fieldEntries = fc.array(
  fc.oneof(
    fc.constantFrom(...SOURCES, ...TYPES, 'x', 'y'),
    fc.integer({ min: -3, max: 3 }),
    fc.constantFrom(true, null),
    fc
      .constantFrom(...SOURCES)
      .chain((s) => fc.integer({ min: 0, max: s.length }).map((length) => ({ prefix: s.slice(0, length) }))),
    fc.constantFrom('x', 'plugboard').map((s) => ({ 'anything-but': s })),
    fc.constant({ numeric: ['>', 0, '<=', 2] }),
    fc.boolean().map((exists) => ({ exists })),
    fc.constant({ suffix: '.echo' }),
    fc.constant({ wildcard: 'app.*' }),
  ),
  { minLength: 1, maxLength: 3 },
);

/** A known value cut at two places: what a prefix, suffix or wildcard of it keeps. */
const cutValue = fc
  .constantFrom(...SOURCES, ...TYPES)
  .chain((s) =>
    fc
      .tuple(fc.integer({ min: 0, max: s.length }), fc.integer({ min: 0, max: s.length }))
      .map(([a, b]) => ({ s, from: Math.min(a, b), to: Math.max(a, b) })),
  );

/** Exact values, prefixes, suffixes and wildcards with a literal end: the entries the index routes on. */
const routableEntries = fc.array(
  fc.oneof(
    fc.constantFrom(...SOURCES, ...TYPES),
    cutValue.map(({ s, to }) => ({ prefix: s.slice(0, to) })),
    cutValue.map(({ s, from }) => ({ suffix: s.slice(from) })),
    cutValue.map(({ s, from, to }) => ({ wildcard: `${s.slice(0, from)}*${s.slice(to)}` })),
    // Stars at the end: routed on the literal start; two stars in a row are not a valid wildcard.
    cutValue.map(({ s, from, to }) => ({
      wildcard: from < to ? `${s.slice(0, from)}*${s.slice(from, to)}*` : `${s.slice(0, from)}*`,
    })),
  ),
  { minLength: 1, maxLength: 3 },
);

/** Numbers and numeric comparisons only: the entries the index routes on by interval. */
const numericEntries = fc.array(
  fc.oneof(
    fc.integer({ min: -3, max: 3 }),
    fc.integer({ min: -3, max: 3 }).map((n) => ({ numeric: ['=', n] })),
    fc
      .tuple(fc.constantFrom('<', '<=', '>', '>='), fc.double({ min: -4, max: 4, noNaN: true }))
      .map(([op, n]) => ({ numeric: [op, n] })),
    fc
      .tuple(fc.integer({ min: -4, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.boolean())
      .map(([low, width, openLow, openHigh]) => ({
        numeric: [openLow ? '>' : '>=', low, openHigh ? '<' : '<=', low + width],
      })),
  ),
  { minLength: 1, maxLength: 3 },
);

/** Mostly absent: patterns with one or two constraints match random events often enough to compare. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

const randomPattern: fc.Arbitrary<EventPattern> = fc
  .record({
    source: fc.oneof(routableEntries, fieldEntries),
    'detail-type': rarely(fc.oneof(routableEntries, fieldEntries)),
    detail: rarely(
      fc.record({ a: fc.oneof(fieldEntries, numericEntries), b: fieldEntries }, { requiredKeys: ['a'] }),
    ),
    $or: rarely(fc.tuple(fc.record({ region: fieldEntries }), fc.record({ account: fieldEntries }))),
  })
  .map((p) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as EventPattern);

const leaf = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SOURCES, ...TYPES, 'x') },
  { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(true, null) },
);
const randomEvent = fc.record(
  {
    source: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...SOURCES) },
      { weight: 1, arbitrary: fc.array(leaf, { maxLength: 2 }) },
    ),
    'detail-type': fc.constantFrom(...TYPES),
    region: leaf,
    account: leaf,
    detail: fc.oneof(
      fc.record({ a: fc.oneof(leaf, fc.array(leaf, { maxLength: 2 })), b: leaf }, { requiredKeys: [] }),
      fc.array(fc.record({ a: leaf, b: leaf }, { requiredKeys: [] }), { maxLength: 2 }),
    ),
  },
  { requiredKeys: [] },
);

describe('event pattern properties', () => {
  it('validatePattern never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        validatePattern(value);
        validatePattern({ detail: value });
        validatePattern({ detail: [value] });
        validatePattern({ detail: [{ 'anything-but': value }] });
        validatePattern({ detail: [{ numeric: value }] });
      }),
      { numRuns: 500 },
    );
  });

  it('matches never throws on arbitrary JSON events', () => {
    const compiled = tablePatterns.map((pattern) => compilePattern(pattern));
    fc.assert(
      fc.property(fc.jsonValue(), (event) => {
        for (const pattern of compiled) {
          matches(pattern, event);
          matches(pattern, { detail: event, source: event });
        }
      }),
      { numRuns: 200 },
    );
  });

  it("a pattern built from an event's own values matches that event", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (event) => {
        const pattern = patternFrom(event);
        fc.pre(pattern !== undefined && validatePattern(pattern).ok);
        expect(matches(compilePattern(pattern as EventPattern), event)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('PatternIndex.match equals the naive filter over all patterns', () => {
    let matched = 0;
    fc.assert(
      fc.property(
        fc.array(randomPattern, { maxLength: 30 }),
        fc.array(randomEvent, { minLength: 1, maxLength: 10 }),
        (patterns, events) => {
          const index = new PatternIndex<number>();
          const compiled = patterns.map((pattern, i) => {
            index.add(`p${i}`, pattern, i);
            return compilePattern(pattern);
          });
          for (const event of events) {
            const naive = compiled.flatMap((pattern, i) => (matches(pattern, event) ? [i] : []));
            expect(index.match(event)).toEqual(naive);
            matched += naive.length;
          }
        },
      ),
      { numRuns: 300 },
    );
    // The generators are tuned so that plenty of pairs match; otherwise the equality says little. Over
    // 300 runs about 970-1,250 pairs match, depending on the seed: the floor sits well below that.
    expect(matched).toBeGreaterThan(500);
  });

  it('PatternIndex.match still equals the naive filter after patterns are replaced and removed', () => {
    let matched = 0;
    fc.assert(
      fc.property(
        fc.array(randomPattern, { minLength: 1, maxLength: 30 }),
        // Per pattern: kept, removed, or replaced by another pattern under the same id.
        fc.array(fc.oneof(fc.constant('keep' as const), fc.constant('remove' as const), randomPattern), {
          minLength: 30,
          maxLength: 30,
        }),
        fc.array(randomEvent, { minLength: 1, maxLength: 10 }),
        (patterns, changes, events) => {
          const index = new PatternIndex<number>();
          for (const [i, pattern] of patterns.entries()) index.add(`p${i}`, pattern, i);
          // Matched before the changes too, so what the index remembers of values meets the changes.
          const compiled = patterns.map((pattern) => compilePattern(pattern));
          for (const event of events) {
            expect(index.match(event)).toEqual(
              compiled.flatMap((pattern, i) => (matches(pattern, event) ? [i] : [])),
            );
          }
          const live = new Map<number, EventPattern>(patterns.map((pattern, i) => [i, pattern]));
          for (const [i] of patterns.entries()) {
            const change = changes[i]!;
            if (change === 'keep') continue;
            if (change === 'remove') {
              index.remove(`p${i}`);
              live.delete(i);
            } else {
              index.add(`p${i}`, change, i);
              live.set(i, change);
            }
          }
          expect(index.size).toBe(live.size);
          // Insertion order: a replaced pattern counts as added last.
          const order = [...live.keys()].sort(
            (a, b) =>
              Number(changes[a] !== 'keep' && changes[a] !== 'remove') -
                Number(changes[b] !== 'keep' && changes[b] !== 'remove') || a - b,
          );
          for (const event of events) {
            const naive = order.filter((i) => matches(compilePattern(live.get(i)!), event));
            expect(index.match(event)).toEqual(naive);
            matched += naive.length;
          }
        },
      ),
      { numRuns: 300 },
    );
    // About 820-1,100 pairs match over 300 runs, depending on the seed.
    expect(matched).toBeGreaterThan(500);
  });
});
