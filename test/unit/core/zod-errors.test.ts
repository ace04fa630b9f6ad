import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { zodFieldErrors } from '../../../lib/core/zod-errors';

const Schema = z.object({
  name: z.string(),
  tags: z.array(z.object({ key: z.string(), value: z.number() })),
  nested: z.object({ flag: z.boolean(), role: z.enum(['reader', 'writer']), v: z.literal(1) }).optional(),
});

/** Values near the schema's shape: each field present, missing, null or of another type. */
const anything = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
const shaped = fc.record(
  {
    name: anything,
    tags: fc.oneof(fc.array(fc.record({ key: anything, value: anything }, { requiredKeys: [] })), anything),
    nested: fc.oneof(
      fc.record(
        {
          flag: anything,
          role: fc.oneof(anything, fc.constant('reader')),
          v: fc.oneof(anything, fc.constant(1)),
        },
        { requiredKeys: [] },
      ),
      anything,
    ),
  },
  { requiredKeys: [] },
);

const errorsOf = (value: unknown) => {
  const parsed = Schema.safeParse(value);
  if (parsed.success) throw new Error('expected the value to fail');
  return zodFieldErrors(parsed.error, '/body', value);
};

describe('zodFieldErrors', () => {
  it('calls a missing field required and a present one of the wrong type by its type, at any depth', () => {
    expect(errorsOf({ tags: [{ key: 'a' }, { key: null, value: 1 }], nested: { v: 2 } })).toEqual([
      { pointer: '/body/name', detail: 'Required: expected string' },
      { pointer: '/body/tags/0/value', detail: 'Required: expected number' },
      { pointer: '/body/tags/1/key', detail: 'Invalid input: expected string, received null' },
      { pointer: '/body/nested/flag', detail: 'Required: expected boolean' },
      { pointer: '/body/nested/role', detail: 'Required: expected one of "reader"|"writer"' },
      { pointer: '/body/nested/v', detail: 'Invalid input: expected 1' },
    ]);
    expect(errorsOf({ name: 'n', tags: [], nested: { flag: true, role: 'admin' } })).toEqual([
      { pointer: '/body/nested/role', detail: 'Invalid option: expected one of "reader"|"writer"' },
      { pointer: '/body/nested/v', detail: 'Required: expected 1' },
    ]);
    expect(errorsOf(undefined)).toEqual([{ pointer: '/body', detail: 'Required: expected object' }]);
    expect(errorsOf('text')).toEqual([
      { pointer: '/body', detail: 'Invalid input: expected object, received string' },
    ]);
  });

  it('names a record an object, as JSON does', () => {
    const Records = z.object({
      values: z.record(z.string(), z.string()),
      labels: z.record(z.string(), z.string()),
    });
    const parsed = Records.safeParse({ labels: null });
    expect(parsed.success).toBe(false);
    expect(zodFieldErrors(parsed.error!, '', { labels: null })).toEqual([
      { pointer: '/values', detail: 'Required: expected object' },
      { pointer: '/labels', detail: 'Invalid input: expected object, received null' },
    ]);
  });

  it('asks a missing field of any type for any JSON value, and points at a whole document with ""', () => {
    const Test = z.strictObject({ pattern: z.record(z.string(), z.unknown()), event: z.unknown() });
    const missing = Test.safeParse({ pattern: {} });
    expect(zodFieldErrors(missing.error!, '', { pattern: {} })).toEqual([
      { pointer: '/event', detail: 'Required: expected any JSON value' },
    ]);
    // RFC 6901: "" is the whole document; "/" would name a member whose key is "".
    expect(zodFieldErrors(Test.safeParse([]).error!, '', [])).toEqual([
      { pointer: '', detail: 'Invalid input: expected object, received array' },
    ]);
  });

  it('says "Required" exactly when nothing is at the pointer, whatever the value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), shaped), (value) => {
        const parsed = Schema.safeParse(value);
        if (parsed.success) return;
        const errors = zodFieldErrors(parsed.error, '', value);
        for (const [i, issue] of parsed.error.issues.slice(0, 20).entries()) {
          let at: unknown = value;
          for (const key of issue.path)
            at = at === null || typeof at !== 'object' ? undefined : (at as never)[key];
          expect(errors[i]!.detail.startsWith('Required')).toBe(
            (issue.code === 'invalid_type' || issue.code === 'invalid_value') && at === undefined,
          );
        }
      }),
      { numRuns: 300 },
    );
  });

  it('points at each unknown field of a strict object, its key escaped as RFC 6901 says', () => {
    const Strict = z.strictObject({ name: z.string(), inner: z.strictObject({ flag: z.boolean() }) });
    const escaped = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.string().filter((key) => key !== 'name' && key !== 'inner' && key !== '__proto__'),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        fc.uniqueArray(
          fc.string().filter((key) => key !== 'flag' && key !== '__proto__'),
          { maxLength: 5 },
        ),
        (outer, inner) => {
          const value = {
            name: 'n',
            inner: { flag: true, ...Object.fromEntries(inner.map((key) => [key, 1])) },
            ...Object.fromEntries(outer.map((key) => [key, 1])),
          };
          const parsed = Strict.safeParse(value);
          expect(parsed.success).toBe(false);
          const errors = zodFieldErrors(parsed.error!, '/body', value);
          expect(errors.map((e) => e.pointer).sort()).toEqual(
            [
              ...outer.map((key) => `/body/${escaped(key)}`),
              ...inner.map((key) => `/body/inner/${escaped(key)}`),
            ].sort(),
          );
          expect(errors.map((e) => e.detail)).toEqual(
            errors.map((e) =>
              e.pointer.startsWith('/body/inner/')
                ? 'Unknown field; known: flag'
                : 'Unknown field; known: name, inner',
            ),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it("lists the fields an unknown field's object knows, at any depth, up to 20 of them", () => {
    const wide = Object.fromEntries(Array.from({ length: 23 }, (_, i) => [`f${i}`, z.number().optional()]));
    const Schema = z.strictObject({
      items: z.array(z.strictObject({ id: z.string() })),
      empty: z.strictObject({}).optional(),
      wide: z.strictObject(wide).optional(),
    });
    const value = { items: [{ id: 'a' }, { id: 'b', idd: 'c' }], empty: { x: 1 }, wide: { g: 1 }, extra: 1 };
    const parsed = Schema.safeParse(value);
    const listed = Array.from({ length: 20 }, (_, i) => `f${i}`).join(', ');
    expect(zodFieldErrors(parsed.error!, '', value)).toEqual([
      { pointer: '/items/1/idd', detail: 'Unknown field; known: id' },
      { pointer: '/empty/x', detail: 'Unknown field; known: none' },
      { pointer: '/wide/g', detail: `Unknown field; known: ${listed}, and 3 more` },
      { pointer: '/extra', detail: 'Unknown field; known: items, empty, wide' },
    ]);
  });
});
