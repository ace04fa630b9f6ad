import { randomUUID } from 'node:crypto';
import { PLATFORM_SOURCE, type PlatformEvent } from '../../sdk/events';
import { invalidFields } from '../field-errors';
import type { EventOrigin } from '../platform-events';
import { entrySize, oversizedEntry } from './event-schema';

/** One entry of EventBridge's PutEvents request, as callers send it to `POST /v1/events`. */
export interface PutEventsEntry {
  Source: string;
  DetailType: string;
  /** The detail as a JSON object in a string, as PutEvents takes it. */
  Detail: string;
  Resources?: string[] | undefined;
  Time?: string | undefined;
}

export interface CallerEventsOptions {
  /**
   * Holds each entry to EventBridge's limit as EventBridge counts one it receives: a Time only if it
   * has one, its Detail as written. For the EventBridge stand-in; by default the entry held is the one
   * the platform's bus will send for the event, which always has a Time.
   */
  readonly asReceived?: boolean;
}

/**
 * Turns caller entries into events. The `plugboard` sources belong to the platform and its plugins:
 * a caller may not publish as them. Every entry is checked before any is accepted, its size here too
 * so that the error names the entry as the caller sent it (the bus checks it again, by the same rule).
 */
export function callerEvents(
  entries: readonly PutEventsEntry[],
  origin: EventOrigin,
  options: CallerEventsOptions = {},
): PlatformEvent[] {
  const errors: { pointer: string; detail: string }[] = [];
  const events = entries.map((entry, i): PlatformEvent | undefined => {
    if (entry.Source.startsWith(PLATFORM_SOURCE)) {
      errors.push({
        pointer: `/Entries/${i}/Source`,
        detail: `source "${entry.Source}" is reserved: sources starting with "${PLATFORM_SOURCE}" are the platform's`,
      });
      return undefined;
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      detail = undefined;
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      errors.push({ pointer: `/Entries/${i}/Detail`, detail: 'must be a JSON object written as a string' });
      return undefined;
    }
    const event: PlatformEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: origin.account,
      time: entry.Time ? new Date(entry.Time).toISOString() : new Date().toISOString(),
      region: origin.region,
      resources: entry.Resources ?? [],
      detail: detail as Record<string, unknown>,
    };
    const oversized = oversizedEntry(
      event,
      `/Entries/${i}`,
      options.asReceived ? entrySize(entry) : undefined,
    );
    if (oversized) errors.push(oversized);
    return event;
  });
  if (errors.length > 0) {
    throw invalidFields('the events are not valid', errors);
  }
  return events as PlatformEvent[];
}
