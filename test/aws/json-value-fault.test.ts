import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toJson } from '../../lib/aws/item-json';
import { PlugboardError } from '../../lib/sdk/errors';

const refusal = (value: unknown) => {
  try {
    toJson(value, 'the stored value');
  } catch (error) {
    if (error instanceof PlugboardError) return error;
    throw error;
  }
  return expect.unreachable('the value was kept');
};

/** Values the registry does not keep as they are, with the words their refusal must use. */
const NOT_JSON: [unknown, string][] = [
  [new Date(0), 'a Date is not JSON'],
  [1n, 'a BigInt is not JSON'],
  [new Map(), 'a Map is not JSON'],
  [new Set(), 'a Set is not JSON'],
  [Number.NaN, 'NaN is not a JSON number'],
  [Number.NEGATIVE_INFINITY, '-Infinity is not a JSON number'],
  [() => 1, 'a function is not JSON'],
  [Symbol('s'), 'a symbol is not JSON'],
  [new (class Point {})(), 'a class instance is not JSON'],
];

describe("the registry's refusal of a value that is not JSON", () => {
  it('names where the value is and what it is, anywhere in any JSON value', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }),
        // `__proto__` would set the prototype rather than a key.
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 6 }).filter((key) => key !== '__proto__'),
            fc.nat(3),
          ),
          {
            maxLength: 4,
          },
        ),
        fc.constantFrom(...NOT_JSON),
        (around, path, [bad, words]) => {
          // Built from the inside out: each step of the path wraps the value in an object or an array.
          let value: unknown = bad;
          let pointer = '';
          for (const step of [...path].reverse()) {
            const container: Record<string, unknown> | unknown[] =
              typeof step === 'number' ? Array.from({ length: step }, () => around) : { sibling: around };
            if (Array.isArray(container)) container.push(value);
            else container[step] = value;
            value = container;
            const key = typeof step === 'number' ? step : step.replaceAll('~', '~0').replaceAll('/', '~1');
            pointer = `/${key}${pointer}`;
          }
          const error = refusal(value);
          expect(error.code).toBe('Validation');
          expect(error.errors).toEqual([{ pointer, detail: expect.stringContaining(words) }]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('ends on a value that contains itself, naming the fault nearest the root', () => {
    const dated: Record<string, unknown> = { at: new Date(0) };
    dated.self = dated;
    expect(refusal(dated).errors).toEqual([{ pointer: '/at', detail: expect.stringContaining('a Date') }]);
  });

  it('names the fault, not an object the value holds twice', () => {
    // Without a prototype, an object is not copied on its way to the check, so both keys hold it.
    const twice = Object.assign(Object.create(null), { n: 1 });
    expect(toJson({ p: twice, q: twice }, 'the stored value')).toBe('{"p":{"n":1},"q":{"n":1}}');
    expect(refusal({ p: twice, q: twice, r: { at: new Date(0) } }).errors).toEqual([
      { pointer: '/r/at', detail: expect.stringContaining('a Date') },
    ]);
  });
});
