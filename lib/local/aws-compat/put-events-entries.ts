import { callerEvents, type PutEventsEntry } from '../../core/events/caller-events';
import { checkEventShape, markChecked } from '../../core/events/event-schema';
import type { EventOrigin } from '../../core/platform-events';
import { PlugboardError } from '../../sdk/errors';
import type { PlatformEvent } from '../../sdk/events';

/** One PutEvents entry's outcome: an event for the bus, or EventBridge's per-entry error. */
export type EntryOutcome = { event: PlatformEvent } | { ErrorCode: string; ErrorMessage: string };

const invalid = (field: string, reason: string): EntryOutcome => ({
  ErrorCode: 'InvalidArgument',
  ErrorMessage: `Parameter ${field} is not valid. Reason: ${reason}`,
});

/**
 * Checks one PutEvents entry as EventBridge does, so that a bad entry fails alone and the others are
 * published. The event itself is built by the same code as `POST /v1/events` (callerEvents), which
 * also refuses the platform's own sources.
 */
export function entryOutcome(raw: unknown, origin: EventOrigin, busNames: readonly string[]): EntryOutcome {
  if (typeof raw !== 'object' || raw === null) return invalid('Entries', 'each entry must be an object.');
  const entry = raw as Record<string, unknown>;
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '')
      return invalid(field, `${field} is a required argument.`);
  }
  const resources = entry.Resources;
  if (resources !== undefined && !(Array.isArray(resources) && resources.every((r) => typeof r === 'string')))
    return invalid('Resources', 'Resources must be a list of strings.');
  const bus = entry.EventBusName;
  if (bus !== undefined && !(typeof bus === 'string' && busNames.includes(bus)))
    return invalid('EventBusName', `Event bus ${String(bus)} does not exist.`);
  const time = entryTime(entry.Time);
  if (time === null) return invalid('Time', 'Time must be a timestamp.');

  const putEntry: PutEventsEntry = {
    Source: entry.Source as string,
    DetailType: entry.DetailType as string,
    Detail: entry.Detail as string,
    Resources: resources as string[] | undefined,
    Time: time,
  };
  try {
    // Its size counted as EventBridge counts the entry it receives, which has a Time only if the
    // caller gave one; marked checked so that the bus does not count the time the event now has.
    const [event] = callerEvents([putEntry], origin, { asReceived: true }) as [PlatformEvent];
    return { event: markChecked(checkEventShape(event)) };
  } catch (error) {
    if (!(error instanceof PlugboardError)) throw error;
    const pointer = error.errors?.[0]?.pointer ?? '';
    if (pointer.endsWith('/Detail'))
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    if (pointer.endsWith('/Source'))
      return { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' };
    return { ErrorCode: 'InvalidArgument', ErrorMessage: error.message };
  }
}

/**
 * The SDKs send Time as epoch seconds (awsJson timestamps); hand-written requests may send ISO text.
 * Undefined when absent, null when it is no time at all.
 */
function entryTime(value: unknown): string | undefined | null {
  if (value === undefined) return undefined;
  const date =
    typeof value === 'number'
      ? new Date(value * 1000)
      : typeof value === 'string'
        ? new Date(value)
        : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}
