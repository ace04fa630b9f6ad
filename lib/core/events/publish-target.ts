import type { PlatformEvent } from '../../sdk/events';
import type { DeadLetter, EventBus, EventStore } from '../ports';
import type { DeliveryTarget } from './delivery-target';

/** The target a dead letter names when the event never reached the bus at all. */
export const PUBLISH_TARGET = 'publish';

/**
 * Keeps the events of a write that happened when the bus refused them (EventBridge unavailable past
 * its retries): as dead letters to the bus itself, listed by GET /v1/dlq and published by a redrive.
 */
export type ParkUnpublished = (events: readonly PlatformEvent[], reason: string) => Promise<void>;

export function parkUnpublished(store: Pick<EventStore, 'putDeadLetter'>): ParkUnpublished {
  return async (events, reason) => {
    const failedAt = new Date().toISOString();
    for (const event of events) {
      const letter: DeadLetter = {
        id: `${event.id}:${PUBLISH_TARGET}`,
        event,
        target: PUBLISH_TARGET,
        attempts: 1,
        reason,
        failedAt,
      };
      await store.putDeadLetter(letter);
    }
  };
}

/** The bus as a redrive's target: a parked event is published as it was, id and all. */
export function publishTarget(bus: EventBus): DeliveryTarget {
  return {
    id: PUBLISH_TARGET,
    deliver: async ({ event }) => {
      await bus.publish([event]);
    },
  };
}
