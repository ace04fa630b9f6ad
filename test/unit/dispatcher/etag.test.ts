import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { etagOf, noneMatchFails, readIfMatch } from '../../../lib/core/dispatcher/etag';
import { GENERATION } from '../../../lib/core/instances/generation';
import { instanceMeeting } from '../../../lib/core/instances/if-match';
import type { ExpectedInstance, InstanceRecord } from '../../../lib/core/ports';
import { PlugboardError } from '../../../lib/sdk/errors';

const version = fc.integer({ min: 1, max: 1e12 });
/** Any generation the registry keeps, those newGeneration makes (16 random bytes) among them. */
const generation = fc.oneof(
  fc.stringMatching(new RegExp(`^${GENERATION}$`)),
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bits) => Buffer.from(bits).toString('base64url')),
);
/** An instance as an ETag names it: one created before generations has none. */
const tagged: fc.Arbitrary<ExpectedInstance> = fc.oneof(
  fc.record({ version, generation }),
  fc.record({ version }),
);
const outdated = fc.array(
  fc.record({ pointer: fc.string({ maxLength: 12 }).map((s) => `/options/${s}`), detail: fc.string() }),
  { maxLength: 3 },
);

/** An instance as stored, of the version and generation given. */
const stored = (instance: ExpectedInstance): InstanceRecord => ({
  name: 'tagged',
  plugin: 'echo',
  options: {},
  context: {},
  order: 0,
  credentialsSet: [],
  createdAt: 'a',
  updatedAt: 'a',
  ...instance,
});

/** Headers as clients, proxies and fuzzers send them: near misses of ETags, lists, and junk. */
const header = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc
    .array(
      fc.oneof(
        {
          arbitrary: tagged.chain((instance) => outdated.map((errors) => etagOf(instance, errors))),
          weight: 4,
        },
        {
          arbitrary: fc.constantFrom(
            '*',
            '"',
            'W/',
            ',',
            ', ',
            '-',
            '.',
            ' ',
            '""',
            '"3-"',
            '"3.x"',
            '"3-a.b"',
          ),
          weight: 2,
        },
        { arbitrary: fc.stringMatching(/^[0-9a-zA-Z_.\-"/ ,*]{0,12}$/), weight: 1 },
      ),
      { maxLength: 6 },
    )
    .map((parts) => parts.join('')),
);

describe('instance ETags', () => {
  it('name the version and generation, and what does not fit when some options do not', () => {
    fc.assert(
      fc.property(version, generation, outdated, (v, g, errors) => {
        expect(etagOf({ version: v, generation: g }, errors)).toMatch(
          errors.length === 0 ? /^"\d+-[A-Za-z0-9_-]+"$/ : /^"\d+-[A-Za-z0-9_-]+\.[0-9a-f]{8}"$/,
        );
        // An instance created before generations keeps the tags it had.
        expect(etagOf({ version: v }, errors)).toMatch(
          errors.length === 0 ? /^"\d+"$/ : /^"\d+\.[0-9a-f]{8}"$/,
        );
      }),
    );
    expect(etagOf({ version: 3, generation: 'qT0mIjq4Ck2x7dYxE5bWlA' })).toBe('"3-qT0mIjq4Ck2x7dYxE5bWlA"');
  });

  it('are read back by If-Match as the instance they name, whatever the version, generation and outdated options', () => {
    fc.assert(
      fc.property(tagged, outdated, tagged, (instance, errors, other) => {
        const tag = etagOf(instance, errors);
        // A write is held to the instance, whichever form of its tag the caller read.
        expect(readIfMatch(tag, true)).toEqual([instance]);
        expect(readIfMatch(`${etagOf(other)}, ${tag}`, true)).toEqual([other, instance]);
        expect(instanceMeeting(readIfMatch(tag, true)!, 'tagged', stored(instance))).toEqual({
          version: instance.version,
          generation: instance.generation,
        });
        // A read is answered 304 for this very tag only, strong or weak.
        expect(noneMatchFails(tag, tag)).toBe(true);
        expect(noneMatchFails(`W/${tag}`, tag)).toBe(true);
        expect(noneMatchFails(etagOf({ ...instance, version: instance.version + 1 }, errors), tag)).toBe(
          false,
        );
      }),
    );
  });

  it('tell apart two instances of one name at one version, and a version alone from either', () => {
    fc.assert(
      fc.property(version, generation, generation, outdated, (v, a, b, errors) => {
        fc.pre(a !== b);
        const current = stored({ version: v, generation: b });
        const etag = etagOf(current, errors);
        for (const read of [{ version: v, generation: a }, { version: v }]) {
          const tag = etagOf(read, errors);
          expect(noneMatchFails(tag, etag)).toBe(false);
          const refused = catching(() => instanceMeeting(readIfMatch(tag, true)!, 'tagged', current));
          expect(refused).toMatchObject({ code: 'VersionConflict', status: 412 });
          expect(refused.message).toContain(
            read.generation === undefined
              ? 'send the ETag as a read answered it'
              : 'deleted and created again',
          );
        }
        // `*` is whatever instance is current.
        expect(instanceMeeting(readIfMatch('*', true)!, 'tagged', current)).toEqual({
          version: v,
          generation: b,
        });
      }),
    );
  });

  it('are compared as written: a version with a leading zero names no instance', () => {
    fc.assert(
      fc.property(tagged, fc.integer({ min: 1, max: 3 }), (instance, zeros) => {
        const tag = etagOf(instance).replace('"', `"${'0'.repeat(zeros)}`);
        expect(catching(() => readIfMatch(tag, true))).toMatchObject({
          code: 'VersionConflict',
          status: 412,
        });
        expect(noneMatchFails(tag, etagOf(instance))).toBe(false);
      }),
    );
  });

  it('tell apart two sets of outdated options at one version', () => {
    fc.assert(
      fc.property(tagged, outdated, outdated, (instance, a, b) => {
        fc.pre(JSON.stringify(a) !== JSON.stringify(b));
        expect(noneMatchFails(etagOf(instance, a), etagOf(instance, b))).toBe(false);
      }),
    );
  });

  it('read any header as the instances it names or as a 412 naming it, and never throw otherwise', () => {
    fc.assert(
      fc.property(header, fc.boolean(), tagged, (sent, required, instance) => {
        let read: ReturnType<typeof readIfMatch>;
        try {
          read = readIfMatch(sent, required);
        } catch (error) {
          expect(error).toBeInstanceOf(PlugboardError);
          expect(error).toMatchObject({ code: 'VersionConflict', status: 412 });
          expect((error as PlugboardError).message).toMatch(/^If-Match /);
          return;
        }
        expect(read === '*' || (Array.isArray(read) && read.length > 0)).toBe(true);
        // What a list names is held against an instance as a match or a 412, nothing else.
        try {
          instanceMeeting(read!, 'tagged', stored(instance));
        } catch (error) {
          expect(error).toMatchObject({ code: 'VersionConflict', status: 412 });
        }
        expect(typeof noneMatchFails(sent, etagOf(instance))).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
    expect(catching(() => readIfMatch(undefined, true))).toMatchObject({ code: 'PreconditionRequired' });
    expect(readIfMatch(undefined, false)).toBeUndefined();
  });
});

function catching(call: () => unknown): PlugboardError {
  try {
    call();
  } catch (error) {
    if (error instanceof PlugboardError) return error;
    throw error;
  }
  throw new Error('expected a PlugboardError');
}
