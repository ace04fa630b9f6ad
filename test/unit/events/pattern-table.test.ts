import { describe, expect, it } from 'vitest';
import { compilePattern, matches, testEventPattern, validatePattern } from '../../../lib/core/events/pattern';
import { PlugboardError } from '../../../lib/sdk/errors';
import { INVALID_PATTERNS, PATTERN_CASE_GROUPS } from './pattern-cases';

const caseCount = PATTERN_CASE_GROUPS.reduce((sum, group) => sum + group.cases.length, 0);

describe('event pattern table', () => {
  it('holds at least 150 cases', () => {
    expect(caseCount).toBeGreaterThanOrEqual(150);
  });

  for (const { group, source, cases } of PATTERN_CASE_GROUPS) {
    describe(`${group} (${source})`, () => {
      it.each(cases)('%s', (_name, pattern, event, expected) => {
        expect(validatePattern(pattern)).toEqual({ ok: true });
        expect(matches(compilePattern(pattern), event)).toBe(expected);
      });
    });
  }
});

describe('invalid event patterns', () => {
  const invalid = INVALID_PATTERNS.map(([pattern, detail, pointer]) => ({ pattern, detail, pointer }));
  it.each(invalid)('rejected: $detail', ({ pattern, detail, pointer }) => {
    const result = validatePattern(pattern);
    expect(result.ok).toBe(false);
    const errors = result.ok ? [] : result.errors;
    const problem = errors.find((error) => error.detail.includes(detail));
    expect(problem, JSON.stringify(errors)).toBeDefined();
    if (pointer !== undefined) expect(problem?.pointer).toBe(pointer);
  });

  it('reports every problem of a pattern, each where it is', () => {
    const result = validatePattern({
      source: [],
      detail: { n: [{ numeric: ['>', 'x'] }], s: [{ wildcard: '**' }] },
    });
    expect(result).toEqual({
      ok: false,
      errors: [
        { pointer: '/source', detail: 'Empty arrays are not allowed' },
        { pointer: '/detail/n/0/numeric/1', detail: 'Value of > must be numeric' },
        { pointer: '/detail/s/0/wildcard', detail: 'Consecutive wildcard characters at pos 0' },
      ],
    });
  });

  it('compilePattern throws a Validation PlugboardError carrying the problems', () => {
    let thrown: unknown;
    try {
      compilePattern({ source: 'aws.ec2' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PlugboardError);
    expect((thrown as PlugboardError).code).toBe('Validation');
    expect((thrown as PlugboardError).status).toBe(400);
    expect((thrown as PlugboardError).errors).toEqual([
      { pointer: '/source', detail: '"source" must be an object or an array' },
    ]);
  });

  it('accepts the largest $or expansion EventBridge allows', () => {
    const branches = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ [`${prefix}${i}`]: [String(i)] }));
    expect(
      validatePattern({
        a: { $or: branches('a', 10) },
        b: { $or: branches('b', 10) },
        $or: branches('c', 10),
      }),
    ).toEqual({
      ok: true,
    });
  });
});

describe('testEventPattern', () => {
  const event = {
    id: '1',
    account: '123456789012',
    source: 'plugboard',
    time: '2024-01-01T00:00:00Z',
    region: 'local',
    resources: [],
    'detail-type': 'Instance Created',
    detail: { slug: 'echo' },
  };

  it('answers like TestEventPattern', () => {
    expect(testEventPattern({ source: ['plugboard'], detail: { slug: [{ prefix: 'ec' }] } }, event)).toBe(
      true,
    );
    expect(testEventPattern({ source: [{ 'anything-but': 'plugboard' }] }, event)).toBe(false);
  });

  it('rejects an event without the fields TestEventPattern requires, and a bad pattern, at once', () => {
    let thrown: unknown;
    try {
      testEventPattern({ source: [] }, { source: 5, resources: 'x' });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as PlugboardError).code).toBe('Validation');
    const pointers = (thrown as PlugboardError).errors?.map((error) => error.pointer);
    expect(pointers).toEqual([
      '/pattern/source',
      '/event/id',
      '/event/account',
      '/event/source',
      '/event/time',
      '/event/region',
      '/event/detail-type',
      '/event/resources',
    ]);
  });

  it('rejects an event that is not an object', () => {
    expect(() => testEventPattern({ source: ['x'] }, [event])).toThrow(PlugboardError);
  });
});
