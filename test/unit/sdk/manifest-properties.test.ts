import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ManifestSchema, OPTION_TYPES, PLUGIN_TYPES } from '../../../lib/sdk/manifest';
import { TEMPLATE_VARIABLES } from '../../../lib/sdk/templates';

/** What every failed parse must look like: a ZodError whose issues each carry a path. */
function expectValidationFailure(error: unknown): z.core.$ZodIssue[] {
  expect(error).toBeInstanceOf(z.ZodError);
  const issues = (error as z.ZodError).issues;
  expect(issues.length).toBeGreaterThan(0);
  for (const issue of issues) {
    expect(Array.isArray(issue.path)).toBe(true);
    for (const segment of issue.path) expect(['string', 'number']).toContain(typeof segment);
    expect(typeof issue.message).toBe('string');
  }
  return issues;
}

const name = fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,15}$/);
const label = fc.string({ minLength: 1, maxLength: 30 });

/**
 * A string default: any text without a `${`, or a template of the whitelisted variables (a default
 * naming another is refused, so fc.string()'s occasional `${}` made a manifest that is not valid).
 */
const stringDefault = fc.oneof(
  fc.string().filter((text) => !text.includes('${')),
  fc.constantFrom(...TEMPLATE_VARIABLES).map((variable) => `/\${${variable}}/`),
);

/** A param whose default, when it has one, fits its type. */
const param = fc.oneof(
  fc.record({
    name,
    label,
    type: fc.constant('string' as const),
    default: fc.option(stringDefault, { nil: undefined }),
  }),
  fc.record({
    name,
    label,
    type: fc.constant('integer' as const),
    default: fc.option(fc.integer(), { nil: undefined }),
  }),
  fc.record({
    name,
    label,
    type: fc.constant('boolean' as const),
    default: fc.option(fc.boolean(), { nil: undefined }),
  }),
  fc.record({ name, label, type: fc.constant('secret' as const) }),
  fc.record({
    name,
    label,
    type: fc.constant('mapping' as const),
    default: fc.option(fc.dictionary(fc.string(), fc.string()), { nil: undefined }),
  }),
);
const uniqueParams = fc.uniqueArray(param, { selector: (p) => p.name, maxLength: 4 });

const validManifest = fc.record({
  slug: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
  name: label,
  version: fc.tuple(fc.nat(99), fc.nat(99), fc.nat(99)).map((v) => v.join('.')),
  apiVersion: fc.constant(1),
  types: fc.subarray(PLUGIN_TYPES.filter((t) => t !== 'webhook')),
  options: uniqueParams,
  actions: fc.uniqueArray(
    fc.record({ name: fc.stringMatching(/^[a-z][a-z0-9_]{0,15}$/), label, optionalParams: uniqueParams }),
    { selector: (a) => a.name, maxLength: 3 },
  ),
  timeoutSeconds: fc.integer({ min: 1, max: 29 }),
});

const MUTABLE_KEYS = [
  'slug',
  'name',
  'version',
  'description',
  'apiVersion',
  'types',
  'authType',
  'cacheable',
  'supportsHistogram',
  'options',
  'credentials',
  'dataTypes',
  'actions',
  'webhookActions',
  'docs',
  'aliases',
  'timeoutSeconds',
] as const;

describe('ManifestSchema', () => {
  it('never throws on arbitrary JSON, and every failure is a ZodError with paths', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const result = ManifestSchema.safeParse(value);
        if (!result.success) expectValidationFailure(result.error);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts generated valid manifests', () => {
    fc.assert(
      fc.property(validManifest, (manifest) => {
        const result = ManifestSchema.safeParse(manifest);
        expect(result.error?.issues).toBeUndefined();
      }),
    );
  });

  it('locates the problem when one field of a valid manifest is replaced or removed', () => {
    fc.assert(
      fc.property(
        validManifest,
        fc.constantFrom(...MUTABLE_KEYS),
        fc.option(fc.jsonValue(), { nil: undefined }),
        (manifest, key, value) => {
          const mutated: Record<string, unknown> = { ...manifest, [key]: value };
          if (value === undefined) delete mutated[key];
          const result = ManifestSchema.safeParse(mutated);
          if (result.success) return;
          for (const issue of expectValidationFailure(result.error))
            expect(issue.path.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('locates defaults that do not fit their option type', () => {
    fc.assert(
      fc.property(
        validManifest,
        fc.constantFrom(...OPTION_TYPES),
        fc.jsonValue(),
        (manifest, type, value) => {
          const options = [{ name: 'probe', label: 'Probe', type, default: value }];
          const result = ManifestSchema.safeParse({ ...manifest, options });
          if (!result.success) {
            const paths = expectValidationFailure(result.error).map((i) => i.path.join('.'));
            expect(paths.every((p) => p.startsWith('options.0'))).toBe(true);
          }
        },
      ),
    );
  });

  it('reports a repeated name at the repeat', () => {
    const base = { slug: 'x', name: 'X', version: '1.0.0', apiVersion: 1 };
    const opt = { name: 'a', label: 'A', type: 'string' };
    const dupOptions = ManifestSchema.safeParse({ ...base, options: [opt, { ...opt, name: 'b' }, opt] });
    expect(dupOptions.error?.issues.map((i) => i.path)).toEqual([['options', 2, 'name']]);
    const dupParams = ManifestSchema.safeParse({
      ...base,
      actions: [{ name: 'go', label: 'Go', requiredParams: [opt], optionalParams: [opt] }],
    });
    expect(dupParams.error?.issues.map((i) => i.path)).toEqual([['actions', 0, 'optionalParams', 0, 'name']]);
  });
});
