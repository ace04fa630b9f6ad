import type { PlatformEvent } from '../../sdk/events';
import type { EventStore } from '../ports';
import { checkEvent } from './event-schema';

/**
 * Validates every event, then logs each one before the publish is acknowledged, pending unless
 * `hasTargets` says it has nothing to deliver: whatever happens next, delivery can resume from the
 * log. Nothing is logged when one event is invalid. Returns the pending events.
 */
export async function logEvents(
  store: EventStore,
  events: readonly unknown[],
  hasTargets: (event: PlatformEvent) => boolean = () => true,
): Promise<PlatformEvent[]> {
  const checked = events.map((event, i) => checkEvent(event, events.length > 1 ? `/${i}` : ''));
  const pending: PlatformEvent[] = [];
  for (const event of checked) {
    const deliver = hasTargets(event);
    await store.appendEvent(event, { pending: deliver });
    if (deliver) pending.push(event);
  }
  return pending;
}
