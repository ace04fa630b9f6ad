import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeRecords } from '../../../lib/core/merge-records';

describe('mergeRecords', () => {
  it('gives what { ...a, ...b } gives, for any JSON records', () => {
    const record = fc.dictionary(
      fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString')),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(record, fc.option(record, { nil: undefined }), (a, b) => {
        const merged = mergeRecords(a, b);
        expect(merged).toStrictEqual({ ...a, ...b });
        expect(Object.keys(merged)).toEqual(Object.keys({ ...a, ...b }));
      }),
      { numRuns: 300, seed: 20261127 },
    );
  });

  it('keeps a __proto__ key as data and sets no prototype', () => {
    const merged = mergeRecords(JSON.parse('{"__proto__":{"admin":true}}'), { a: 1 });
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.hasOwn(merged, '__proto__')).toBe(true);
    expect((merged as { admin?: unknown }).admin).toBeUndefined();
  });
});
