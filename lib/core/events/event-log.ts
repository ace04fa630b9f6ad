import type { PlatformEvent } from '../../sdk/events';
import type { EventStore } from '../ports';
import { checkEvent } from './event-schema';

/**
 * Validates every event, then logs each one (and marks it pending) before the publish is
 * acknowledged: whatever happens next, delivery can resume from the log. Nothing is logged when one
 * event is invalid.
 */
export async function logEvents(store: EventStore, events: readonly unknown[]): Promise<PlatformEvent[]> {
  const checked = events.map((event, i) => checkEvent(event, events.length > 1 ? `/${i}` : ''));
  for (const event of checked) await store.appendEvent(event);
  return checked;
}
