import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkJson } from '../../../lib/core/runtime/json-check';
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

const DEPTH = 100_000;
/** Arrays and objects in turn, DEPTH of them, `bottom` innermost; and the pointer to the bottom. */
function nested(bottom: unknown): { value: unknown; pointer: string } {
  let value = bottom;
  for (let i = 0; i < DEPTH; i++) value = i % 2 === 0 ? [value] : { 'a/b': value };
  return { value, pointer: `/result${'/a~1b/0'.repeat(DEPTH / 2)}` };
}

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
  it('accepts a result nested 100,000 deep', () => {
    expect(refusal(nested('bottom').value)).toBeUndefined();
  });

  it('refuses a Map at the bottom of a result nested 100,000 deep, at its pointer', () => {
    const { value, pointer } = nested(new Map());
    expect(refusal(value)).toBe(
      `refused at ${pointer}: a Map is not JSON; answer an object or an array of entries`,
    );
  });

  it('refuses a cycle 100,000 deep where it closes, and accepts an object reached twice without one', () => {
    const top: unknown[] = [];
    const { value, pointer } = nested(top);
    top.push(value);
    expect(refusal(top)).toBe(
      `refused at /result/0${pointer.slice('/result'.length)}: the value contains itself, which JSON cannot hold`,
    );
    const shared = { deep: nested(1).value };
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
