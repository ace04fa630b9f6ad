import * as z from 'zod';
import { isoTime } from '../../sdk/contracts';
import { ValidationError } from '../../sdk/errors';
import type { PlatformEvent } from '../../sdk/events';
import { invalidFields } from '../field-errors';
import { zodFieldErrors } from '../zod-errors';

/** EventBridge's event envelope; PutEvents caps an entry at 256 KB. */
export const MAX_EVENT_BYTES = 256 * 1024;

/** An event's size as the buses hold it to MAX_EVENT_BYTES: the UTF-8 of its whole JSON. */
export const eventBytes = (event: PlatformEvent): number => Buffer.byteLength(JSON.stringify(event));

export const PlatformEventSchema = z.object({
  version: z.literal('0'),
  id: z.string().regex(/^[\x21-\x7e]{1,128}$/, 'must be 1-128 printable characters without spaces'),
  'detail-type': z.string().min(1).max(128),
  source: z.string().min(1).max(256),
  account: z.string().max(64),
  time: isoTime,
  region: z.string().max(64),
  resources: z.array(z.string().max(2048)).max(100),
  detail: z.record(z.string(), z.json()),
});

/**
 * Events the platform built itself (platformEvent) are not checked again: their shape is fixed and
 * their details are names, ids and codes, held by the API's own limits far below 256 KB. Checking
 * the Operation event of every call cost ~5% of the invoke path.
 */
const platformMade = new WeakSet<object>();

export function markPlatformMade(event: PlatformEvent): PlatformEvent {
  platformMade.add(event);
  return event;
}

/** Throws Validation naming the field when an event does not have EventBridge's shape or is too large. */
export function checkEvent(event: unknown, pointer = ''): PlatformEvent {
  if (typeof event === 'object' && event !== null && platformMade.has(event)) return event as PlatformEvent;
  const parsed = PlatformEventSchema.safeParse(event);
  if (!parsed.success) {
    const errors = zodFieldErrors(parsed.error, pointer, event);
    throw invalidFields('the event is not valid', errors);
  }
  if (eventBytes(parsed.data as PlatformEvent) > MAX_EVENT_BYTES) {
    throw new ValidationError(`the event is larger than ${MAX_EVENT_BYTES / 1024} KB`, [
      { pointer, detail: `must be at most ${MAX_EVENT_BYTES / 1024} KB` },
    ]);
  }
  return parsed.data as PlatformEvent;
}
