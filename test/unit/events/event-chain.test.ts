import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { causeOf, chainDepth, chainTooDeep, MAX_CHAIN_DEPTH } from '../../../lib/core/events/event-chain';
import { platformEvent } from '../../../lib/core/platform-events';
import type { PlatformEvent } from '../../../lib/sdk/events';

const origin = { account: '1', region: 'r' };
const operation = (detail: Record<string, unknown>) => platformEvent(origin, 'Operation Succeeded', detail);

describe('event chains', () => {
  it('counts one more delivery for each call a delivery makes', () => {
    const first = operation({ instance: 'a' });
    expect(chainDepth(first)).toBe(0);
    let event: PlatformEvent = first;
    for (let depth = 1; depth <= MAX_CHAIN_DEPTH; depth++) {
      expect(chainTooDeep(event)).toBe(false);
      const cause = causeOf(event);
      expect(cause).toEqual({ causedBy: event.id, chainDepth: depth });
      event = operation({ instance: 'a', ...cause });
    }
    expect(chainDepth(event)).toBe(MAX_CHAIN_DEPTH);
    expect(chainTooDeep(event)).toBe(true);
  });

  it('starts a chain at any event not from the platform, and at any depth that is not a positive integer', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.double(), fc.integer({ max: 0 })), (value) => {
        expect(chainDepth(operation({ chainDepth: value }))).toBe(
          Number.isSafeInteger(value) && (value as number) > 0 ? value : 0,
        );
      }),
    );
    const caller = { ...operation({ chainDepth: 99 }), source: 'acme.orders' };
    expect(chainDepth(caller)).toBe(0);
    // A plugin's events carry the depth of the call that published them.
    expect(chainDepth({ ...operation({ chainDepth: 3 }), source: 'plugboard.plugin.incrementer' })).toBe(3);
  });
});
