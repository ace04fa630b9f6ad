import { type ErrorCode, PlugboardError } from '../../sdk/errors';
import type { LogFn } from '../dispatcher/deps';
import type { EventBus, EventStore } from '../ports';
import type { DeliveryTarget } from './delivery-target';

/** The target a dead letter names when the event never reached the bus at all. */
export const PUBLISH_TARGET = 'publish';

/**
 * What a bus answers when it, not the event, is at fault. An event it refuses (Validation, or an
 * unexpected error) is not kept, to be refused again.
 */
const PARKED: ReadonlySet<ErrorCode> = new Set(['Unavailable', 'Internal']);

/**
 * The bus for the platform's own events, which report what has already happened (an instance
 * written, a plugin called): when the bus cannot take them (EventBridge unavailable past its
 * retries, or its deployment broken: the bus missing, the role denied), answering that as the
 * request's failure would have the caller redo what is done (a create into a 409, an action run
 * twice). So they are kept as dead letters to the bus itself, listed by GET /v1/dlq and published by
 * a redrive once the bus takes events again, and the request is answered. Only if they cannot be kept
 * either is the bus's error the answer. A caller's own events use the bus itself, and are refused to
 * the caller, who still holds them.
 */
export function parkingBus(bus: EventBus, store: Pick<EventStore, 'putDeadLetter'>, log?: LogFn): EventBus {
  return {
    async publish(events) {
      try {
        return await bus.publish(events);
      } catch (error) {
        if (!(error instanceof PlugboardError && PARKED.has(error.code))) throw error;
        const reason = `${error.code}: ${error.message}`;
        log?.('warn', 'events parked: the bus refused them', {
          events: events.map((event) => ({ id: event.id, detailType: event['detail-type'] })),
          reason,
        });
        const failedAt = new Date().toISOString();
        try {
          for (const event of events) {
            const id = `${event.id}:${PUBLISH_TARGET}`;
            await store.putDeadLetter({ id, event, target: PUBLISH_TARGET, attempts: 1, reason, failedAt });
          }
        } catch {
          throw error;
        }
        return events.map((event) => event.id);
      }
    },
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
