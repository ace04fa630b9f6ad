import { describe, expect, it } from 'vitest';
import { compilePattern, matches, PatternIndex } from '../../../lib/core/events/pattern';
import { PlugboardError } from '../../../lib/sdk/errors';
import { PATTERN_CASE_GROUPS } from './pattern-cases';

const event = (source: string, detailType: string, detail: Record<string, unknown> = {}) => ({
  source,
  'detail-type': detailType,
  detail,
});

describe('PatternIndex', () => {
  it('returns the values of matching patterns in insertion order', () => {
    const index = new PatternIndex<string>();
    index.add('a', { source: ['app'] }, 'A');
    index.add('b', { 'detail-type': ['Created'] }, 'B');
    index.add('c', { detail: { n: [{ numeric: ['>', 1] }] } }, 'C');
    index.add('d', { source: [{ prefix: 'ap' }] }, 'D');
    index.add('e', { source: ['other'] }, 'E');
    expect(index.match(event('app', 'Created', { n: 2 }))).toEqual(['A', 'B', 'C', 'D']);
    expect(index.match(event('other', 'Deleted'))).toEqual(['E']);
    expect(index.size).toBe(5);
  });

  it('orders results by a caller-supplied comparison, ties in insertion order', () => {
    const index = new PatternIndex<{ name: string; order: number }>({ compare: (x, y) => x.order - y.order });
    index.add('late', { source: ['app'] }, { name: 'late', order: 5 });
    index.add('early', { source: ['app'] }, { name: 'early', order: 1 });
    index.add('tie', { source: [{ prefix: 'a' }] }, { name: 'tie', order: 5 });
    expect(index.match(event('app', 'x')).map((v) => v.name)).toEqual(['early', 'late', 'tie']);
  });

  it('remove takes a pattern out; adding under an existing id replaces it', () => {
    const index = new PatternIndex<string>();
    index.add('a', { source: ['app'] }, 'A');
    index.add('b', { source: [{ prefix: 'app' }] }, 'B');
    index.add('a', { source: ['other'] }, 'A2');
    expect(index.match(event('app', 'x'))).toEqual(['B']);
    expect(index.match(event('other', 'x'))).toEqual(['A2']);
    index.remove('b');
    index.remove('missing');
    expect(index.match(event('app', 'x'))).toEqual([]);
    expect(index.size).toBe(1);
  });

  it('answers from remembered values only while the routes they were found with stand', () => {
    const index = new PatternIndex<string>();
    index.add('a', { source: [{ prefix: 'app' }] }, 'A');
    expect(index.match(event('app.one', 'x'))).toEqual(['A']);
    index.add('b', { source: ['app.one', { suffix: '7' }] }, 'B');
    expect(index.match(event('app.one', 'x'))).toEqual(['A', 'B']);
    index.remove('a');
    expect(index.match(event('app.one', 'x'))).toEqual(['B']);
    // More distinct values than a field remembers, twice over: answers stay right past that bound.
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 3000; i++) {
        expect(index.match(event(`app.${i}`, 'x'))).toEqual(i % 10 === 7 ? ['B'] : []);
      }
    }
    expect(index.match(event('app.one', 'x'))).toEqual(['B']);
    // A value longer than a field remembers, looked up each time.
    const long = `app.${'7'.repeat(300)}`;
    expect(index.match(event(long, 'x'))).toEqual(['B']);
    expect(index.match(event(long, 'x'))).toEqual(['B']);
  });

  it('answers alike while remembering is paused for values that do not repeat, and after it resumes', () => {
    const index = new PatternIndex<string>();
    index.add('a', { source: [{ prefix: 'app.' }, { suffix: '.9' }] }, 'A');
    const expected = (source: string) => (source.startsWith('app.') || source.endsWith('.9') ? ['A'] : []);
    // Distinct values past a review window pause remembering; 70,000 lookups outlast the pause.
    for (let i = 0; i < 70_000; i++) {
      const source = i % 10 === 0 ? `svc.${i % 20}.9` : `app.${i}`;
      if (i % 997 === 0 || i > 69_000)
        expect(index.match(event(source, 'x')), source).toEqual(expected(source));
      else index.match(event(source, 'x'));
    }
    // A change of routes while paused is seen at once.
    index.add('b', { source: [{ prefix: 'svc.1' }] }, 'B');
    expect(index.match(event('svc.12.9', 'x'))).toEqual(['A', 'B']);
    index.remove('a');
    expect(index.match(event('app.5', 'x'))).toEqual([]);
    expect(index.match(event('svc.12.9', 'x'))).toEqual(['B']);
  });

  it('matches an event whose routed field is an array, once per pattern', () => {
    const index = new PatternIndex<string>();
    index.add('a', { source: ['x', 'y'] }, 'A');
    expect(index.match({ source: ['x', 'y'] })).toEqual(['A']);
  });

  it('rejects an invalid pattern and keeps the previous one under that id', () => {
    const index = new PatternIndex<string>();
    index.add('a', { source: ['app'] }, 'A');
    expect(() => index.add('a', { source: [] }, 'bad')).toThrow(PlugboardError);
    expect(index.match(event('app', 'x'))).toEqual(['A']);
  });

  it('matches non-object events against every pattern', () => {
    const index = new PatternIndex<string>();
    index.add('a', { source: ['app'] }, 'A');
    index.add('b', { source: [{ exists: false }] }, 'B');
    expect(index.match([{ source: 'app' }])).toEqual(['A']);
    expect(index.match('text')).toEqual(['B']);
  });

  it("reads only an event's own keys, as the full check does, never what an object inherits", () => {
    // Routed (prefix) and checked after routing (exists), at the root and nested, under keys every
    // object inherits; JSON.parse makes "__proto__" an own key like any other.
    const patterns = [
      JSON.parse('{"toString": [{"prefix": "f"}]}'),
      JSON.parse('{"source": ["app"], "constructor": [{"exists": false}]}'),
      JSON.parse('{"source": ["app"], "__proto__": [{"exists": true}]}'),
      JSON.parse('{"detail": {"hasOwnProperty": [{"prefix": "f"}]}}'),
      JSON.parse('{"source": ["app"], "__proto__": {"valueOf": [{"exists": false}]}}'),
    ];
    const events = [
      { source: 'app', detail: {} },
      JSON.parse(
        '{"source": "app", "toString": "fine", "constructor": 1, "detail": {"hasOwnProperty": "f"}}',
      ),
      JSON.parse('{"source": "app", "__proto__": "xyz"}'),
    ];
    const index = new PatternIndex<number>();
    for (const [i, pattern] of patterns.entries()) index.add(`p${i}`, pattern, i);
    const naive = (event: unknown) =>
      patterns.flatMap((pattern, i) => (matches(compilePattern(pattern), event) ? [i] : []));
    expect(events.map((e) => index.match(e))).toEqual(events.map(naive));
    expect(events.map((e) => index.match(e))).toEqual([
      [1, 4],
      [0, 3, 4],
      [1, 2, 4],
    ]);
  });

  it("gives each table case's expected answer, all table patterns indexed together", () => {
    const cases = PATTERN_CASE_GROUPS.flatMap((group) => group.cases);
    const index = new PatternIndex<number>();
    for (const [i, [, pattern]] of cases.entries()) index.add(String(i), pattern, i);
    for (const [i, [name, , event, expected]] of cases.entries()) {
      const naive = cases.flatMap(([, pattern], j) => (matches(compilePattern(pattern), event) ? [j] : []));
      const found = index.match(event);
      expect(found, name).toEqual(naive);
      expect(found.includes(i), name).toBe(expected);
    }
  });
});
