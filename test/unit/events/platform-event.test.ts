import { afterEach, describe, expect, it, vi } from 'vitest';
import { platformEvent } from '../../../lib/core/platform-events';

const origin = { account: '000000000000', region: 'local' };
const made = () => platformEvent(origin, 'Operation Succeeded', {});

describe('platformEvent', () => {
  afterEach(() => vi.useRealTimers());

  it("is stamped with the clock's millisecond, however many are made in one", () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 0, 1, 0, 0, 0, 998) });
    expect([made().time, made().time]).toEqual(['2026-01-01T00:00:00.998Z', '2026-01-01T00:00:00.998Z']);
    vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 0, 0, 999));
    expect(made().time).toBe('2026-01-01T00:00:00.999Z');
    vi.setSystemTime(Date.UTC(2026, 0, 1, 0, 0, 1, 0));
    expect(made().time).toBe('2026-01-01T00:00:01.000Z');
    // A clock set back is followed too.
    vi.setSystemTime(Date.UTC(2025, 11, 31, 23, 59, 59, 999));
    expect(made().time).toBe('2025-12-31T23:59:59.999Z');
  });
});
