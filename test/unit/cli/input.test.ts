import { InvalidArgumentError } from 'commander';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { etag, integer } from '../../../lib/cli/input';
import { etagOf } from '../../../lib/core/dispatcher/etag';
import { GENERATION } from '../../../lib/core/instances/generation';

describe('integer', () => {
  const parse = integer('--port', 0, 65_535);

  it('takes exactly the whole numbers in its range, and names the option for anything else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.integer({ min: -100_000, max: 100_000 }).map(String),
          fc.double().map(String),
        ),
        (text) => {
          const whole = /^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
          if (whole >= 0 && whole <= 65_535) expect(parse(text)).toBe(whole);
          else
            expect(() => parse(text)).toThrow(
              new InvalidArgumentError('--port must be a whole number from 0 to 65,535'),
            );
        },
      ),
      { numRuns: 500 },
    );
    expect(parse('0')).toBe(0);
    expect(parse('65535')).toBe(65_535);
    expect(() => parse('65536')).toThrow(InvalidArgumentError);
    expect(() => parse('1e3')).toThrow(InvalidArgumentError);
    expect(() => parse('')).toThrow(InvalidArgumentError);
  });
});

describe('etag', () => {
  it('gives back the quotes a shell took from an ETag, and leaves a quoted one or a list as typed', () => {
    const outdated = [{ pointer: '/options/tone', detail: 'must be one of: warm' }];
    const generation = fc.option(fc.stringMatching(new RegExp(`^${GENERATION}$`)), { nil: undefined });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), generation, fc.boolean(), (version, made, stale) => {
        const tag = etagOf({ version, generation: made }, stale ? outdated : []);
        expect(etag(tag.slice(1, -1))).toBe(tag);
        expect(etag(tag)).toBe(tag);
        expect(etag(`${tag}, "1"`)).toBe(`${tag}, "1"`);
      }),
    );
    expect(etag('*')).toBe('*');
  });
});
