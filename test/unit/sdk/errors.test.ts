import { describe, expect, it } from 'vitest';
import { PlugboardError, RateLimitedError } from '../../../lib/sdk/errors';

describe('a typed error built with a retryAt that is no time', () => {
  it('drops it rather than throwing, so the error still answers with its own code', () => {
    for (const retryAt of [new Date('garbage'), 1_800_000_000_000, '2030-01-01T00:00:00Z', null]) {
      const error = new RateLimitedError(retryAt as unknown as Date);
      expect(error).toMatchObject({ code: 'RateLimited', retryAt: undefined });
    }
    const later = new Date('2030-01-01T00:00:00Z');
    expect(new PlugboardError('RateLimited', 'slow', { retryAt: later }).retryAt).toBe(later);
  });
});
