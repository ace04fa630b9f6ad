import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { storePartition, storePartitionPattern } from '../../lib/aws/registry-table';
import { checkStoreOwner } from '../../lib/aws/store-items';

/** IAM's StringLike: `*` is any run of characters, `?` any one; nothing else is special. */
const stringLike = (pattern: string) =>
  new RegExp(
    `^${pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
      .join('')}$`,
    's',
  );

const slug = fc.stringMatching(/^[a-z][a-z0-9-]{0,63}$/);
const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/);
const generation = fc.option(fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/), { nil: undefined });
const owner = fc.record({ plugin: slug, name, generation });
/** Two owners that share some of their fields, each field kept or drawn anew. */
const ownerPair = owner.chain((a) =>
  fc
    .record({
      plugin: fc.oneof(fc.constant(a.plugin), slug),
      name: fc.oneof(fc.constant(a.name), name),
      generation: fc.oneof(fc.constant(a.generation), generation),
    })
    .map((b) => [a, b] as const),
);

describe("a store's partition", () => {
  it("is within its plugin's LeadingKeys pattern, with a generation or without, and within no other plugin's", () => {
    fc.assert(
      fc.property(owner, slug, (of, other) => {
        const partition = storePartition(checkStoreOwner(of));
        expect(partition).toMatch(stringLike(storePartitionPattern(of.plugin)));
        if (other !== of.plugin) expect(partition).not.toMatch(stringLike(storePartitionPattern(other)));
      }),
      { numRuns: 500 },
    );
  });

  it('differs for two owners unless they are the same', () => {
    fc.assert(
      fc.property(ownerPair, ([a, b]) => {
        const same = a.plugin === b.plugin && a.name === b.name && a.generation === b.generation;
        expect(storePartition(a) === storePartition(b)).toBe(same);
      }),
      { numRuns: 500 },
    );
  });
});
