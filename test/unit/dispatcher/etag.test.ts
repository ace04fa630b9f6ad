import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { etagOf, noneMatchFails, readIfMatch } from '../../../lib/core/dispatcher/etag';

const version = fc.integer({ min: 1, max: 1e12 });
const outdated = fc.array(
  fc.record({ pointer: fc.string({ maxLength: 12 }).map((s) => `/options/${s}`), detail: fc.string() }),
  { maxLength: 3 },
);

describe('instance ETags', () => {
  it('are the bare version while the options fit, and name what does not fit otherwise', () => {
    fc.assert(
      fc.property(version, outdated, (v, errors) => {
        const tag = etagOf(v, errors);
        expect(tag).toMatch(errors.length === 0 ? /^"\d+"$/ : /^"\d+\.[0-9a-f]{8}"$/);
        // A write is held to the version, whichever form of its tag the caller read.
        expect(readIfMatch(tag, true)).toEqual([v]);
        expect(readIfMatch(`"${v}", ${tag}`, true)).toEqual([v, v]);
        // A read is answered 304 for this very tag only, strong or weak.
        expect(noneMatchFails(tag, tag)).toBe(true);
        expect(noneMatchFails(`W/${tag}`, tag)).toBe(true);
        expect(noneMatchFails(etagOf(v + 1, errors), tag)).toBe(false);
      }),
    );
  });

  it('tell apart two sets of outdated options at one version', () => {
    fc.assert(
      fc.property(version, outdated, outdated, (v, a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        expect(noneMatchFails(etagOf(v, a), etagOf(v, b))).toBe(false);
      }),
    );
  });
});
