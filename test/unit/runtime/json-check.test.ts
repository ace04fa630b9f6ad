import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJson, MAX_JSON_DEPTH } from '../../../lib/core/runtime/json-check';
import { PlugboardError } from '../../../lib/sdk/errors';

const refusal = (value: unknown): string | undefined => {
  try {
    checkJson(value, '/result', 'refused');
    return undefined;
  } catch (error) {
    if (!(error instanceof PlugboardError)) throw error;
    return error.message;
  }
};

/**
 * Arrays and objects in turn, `depth` of them, `bottom` innermost; and the pointer to the bottom.
 * `kinds` picks each level's kind instead, innermost first (true an array).
 */
function nested(bottom: unknown, depth: number, kinds?: boolean[]): { value: unknown; pointer: string } {
  let value = bottom;
  let pointer = '';
  for (let i = 0; i < depth; i++) {
    const array = kinds?.[i] ?? i % 2 === 0;
    value = array ? [value] : { 'a/b': value };
    pointer = `${array ? '/0' : '/a~1b'}${pointer}`;
  }
  return { value, pointer: `/result${pointer}` };
}

const TOO_DEEP = `refused at /result: it nests objects and arrays more than 1,000 deep, deeper than the platform carries; answer a flatter value`;

/** How many objects and arrays deep a JSON value nests. */
const depthOf = (value: unknown): number =>
  value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value).map(depthOf)) : 0;

// RFC 6901 written out here rather than the SDK's pointerSegment, which the checker uses.
const segment = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Puts `bad` somewhere inside `root` (a container), going down by `choices` (into a new field of an
 * empty one); `bad` may be a function of the containers on the way, to refer to one of them.
 * Answers the pointer to it.
 */
function inject(root: object, choices: number[], bad: (ancestors: object[]) => unknown): string {
  const ancestors = [root];
  const path: string[] = [];
  for (let i = 0; ; i++) {
    const parent = ancestors.at(-1) as Record<string, unknown>;
    const keys = Object.keys(parent);
    const key = keys.length > 0 ? keys[choices[i]! % keys.length]! : Array.isArray(parent) ? '0' : `~/${i}`;
    path.push(key);
    const child = parent[key];
    if (keys.length === 0 || i === choices.length - 1 || child === null || typeof child !== 'object') {
      Object.defineProperty(parent, key, { value: bad(ancestors), enumerable: true, writable: true });
      return `/result${path.map((k) => `/${segment(k)}`).join('')}`;
    }
    ancestors.push(child);
  }
}

describe('checkJson', () => {
  it(`accepts a result nested ${MAX_JSON_DEPTH} deep, and refuses one a level deeper at its root`, () => {
    expect(MAX_JSON_DEPTH).toBe(1_000);
    expect(refusal(nested('bottom', MAX_JSON_DEPTH).value)).toBeUndefined();
    expect(refusal(nested([], MAX_JSON_DEPTH - 1).value)).toBeUndefined();
    expect(refusal(nested('bottom', MAX_JSON_DEPTH + 1).value)).toBe(TOO_DEEP);
    expect(refusal(nested({}, MAX_JSON_DEPTH).value)).toBe(TOO_DEEP);
    expect(refusal(nested('bottom', 100_000).value)).toBe(TOO_DEEP);
  });

  it('refuses a result nested past the limit, and only such a one, around the limit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: MAX_JSON_DEPTH - 4, max: MAX_JSON_DEPTH + 2 }),
        fc.array(fc.boolean(), { minLength: MAX_JSON_DEPTH + 2, maxLength: MAX_JSON_DEPTH + 2 }),
        fc.jsonValue({ maxDepth: 3 }),
        (depth, kinds, bottom) => {
          const deep = depth + depthOf(bottom) > MAX_JSON_DEPTH;
          expect(refusal(nested(bottom, depth, kinds).value)).toBe(deep ? TOO_DEEP : undefined);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('refuses a Map at the bottom of a result as deep as may be, at its pointer', () => {
    const { value, pointer } = nested(new Map(), MAX_JSON_DEPTH - 1);
    expect(refusal(value)).toBe(
      `refused at ${pointer}: a Map is not JSON; answer an object or an array of entries`,
    );
  });

  it('refuses a cycle as deep as may be where it closes, and accepts an object reached twice without one', () => {
    const top: unknown[] = [];
    const { value, pointer } = nested(top, MAX_JSON_DEPTH - 1);
    top.push(value);
    expect(refusal(top)).toBe(
      `refused at /result/0${pointer.slice('/result'.length)}: the value contains itself, which JSON cannot hold`,
    );
    const shared = { deep: nested(1, MAX_JSON_DEPTH - 3).value };
    expect(refusal([shared, { again: shared }])).toBeUndefined();
  });

  it('accepts any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => refusal(value) === undefined));
  });

  it('refuses a Map, a function or a cycle put anywhere in a JSON value, at its pointer', () => {
    const bads: Record<string, [(ancestors: object[]) => unknown, string]> = {
      map: [() => new Map(), 'a Map is not JSON; answer an object or an array of entries'],
      function: [() => () => 1, 'a function is not JSON'],
      cycle: [
        (ancestors) => ancestors[ancestors.length >> 1],
        'the value contains itself, which JSON cannot hold',
      ],
    };
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...Object.keys(bads)),
        (json, choices, kind) => {
          const [bad, reason] = bads[kind]!;
          const root = [json];
          const pointer = inject(root, choices, bad);
          expect(refusal(root)).toBe(`refused at ${pointer}: ${reason}`);
        },
      ),
    );
  });
});
