import { describe, expect, it, vi } from 'vitest';
import { EventRouter } from '../../../lib/core/events/event-router';
import { publishTarget } from '../../../lib/core/events/parking-bus';
import type { SubscriptionService } from '../../../lib/core/events/subscription-service';
import type { InvocationService } from '../../../lib/core/invocation/invocation-service';
import { platformEvent } from '../../../lib/core/platform-events';
import type { DeadLetter, EventStore } from '../../../lib/core/ports';

const origin = { account: '123456789012', region: 'eu-west-1' };

describe('a redrive', () => {
  it('does not deliver a letter a redrive under way is still delivering', async () => {
    const event = platformEvent(origin, 'Instance Created', {
      instance: 'a',
      plugin: 'echo',
      version: 1,
      options: {},
    });
    const letter: DeadLetter = {
      id: `${event.id}:publish`,
      event,
      target: 'publish',
      attempts: 1,
      reason: 'Unavailable: the event bus could not be reached',
      failedAt: new Date().toISOString(),
    };
    const letters = new Map([[letter.id, letter]]);
    const store = {
      getDeadLetter: async (id: string) => letters.get(id),
      listDeadLetters: async () => ({ items: [...letters.values()] }),
      deleteDeadLetter: async (id: string) => letters.delete(id),
      putDeadLetter: async (l: DeadLetter) => void letters.set(l.id, l),
    } as unknown as EventStore;
    let release: () => void = () => undefined;
    const published = new Promise<void>((done) => {
      release = done;
    });
    const publish = vi.fn(async () => {
      await published;
      return [event.id];
    });
    const router = new EventRouter({
      store,
      subscriptions: {} as SubscriptionService,
      invocations: {} as InvocationService,
      letterTargets: [publishTarget({ publish })],
      sleep: async () => undefined,
    });
    await router.redrive([letter.id]);
    // The caller still sees the letter listed, and asks again.
    await router.redrive();
    release();
    await router.idle();
    expect(publish).toHaveBeenCalledOnce();
    expect(letters.size).toBe(0);
  });
});
