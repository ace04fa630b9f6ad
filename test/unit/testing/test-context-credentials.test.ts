import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lib/sdk/errors';
import { createTestContext } from '../../../lib/testing';

const manifest = {
  slug: 'keyed',
  name: 'Keyed',
  version: '1.0.0',
  apiVersion: 1 as const,
  credentials: [
    { name: 'apiKey', label: 'API key', required: true },
    { name: 'region', label: 'Region', required: false },
  ],
  options: [{ name: 'signingSecret', label: 'Signing secret', type: 'secret' as const }],
};
const KNOWN = ['apiKey', 'region', 'signingSecret'];

/** createTestContext typed loosely, as a JavaScript test or a manifest held in a variable calls it. */
const looseContext = createTestContext as (init: object) => { credentials: Record<string, string> };

describe('createTestContext with a manifest', () => {
  it('refuses credentials the platform would refuse, naming each, but lets a required one be left out', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.oneof(fc.constantFrom(...KNOWN), fc.string({ minLength: 1, maxLength: 6 })),
          fc.oneof(fc.string({ maxLength: 6 }), fc.constant('x'.repeat(10_001))),
          { maxKeys: 4 },
        ),
        (credentials) => {
          const expected = Object.entries(credentials)
            .filter(([name, value]) => !KNOWN.includes(name) || value.length === 0 || value.length > 10_000)
            .map(([name]) => `/credentials/${name.replaceAll('~', '~0').replaceAll('/', '~1')}`)
            .sort();
          try {
            const ctx = looseContext({ manifest, credentials });
            expect(expected).toEqual([]);
            expect(ctx.credentials).toEqual(credentials);
          } catch (error) {
            expect(error).toBeInstanceOf(ValidationError);
            const pointers = ((error as ValidationError).errors ?? []).map((e) => e.pointer).sort();
            expect(pointers).toEqual(expected);
            expect(JSON.stringify(error)).not.toContain('x'.repeat(100));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('checks nothing without a manifest', () => {
    expect(looseContext({ credentials: { anything: '' } }).credentials).toEqual({ anything: '' });
  });
});
