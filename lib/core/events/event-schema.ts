import * as z from 'zod';
import { isoTime } from '../../sdk/contracts';
import { type FieldError, ValidationError } from '../../sdk/errors';
import type { PlatformEvent } from '../../sdk/events';
import { invalidFields } from '../field-errors';
import { zodFieldErrors } from '../zod-errors';

/** PutEvents takes an entry of at most 256 KB, and a request whose entries add up to at most 256 KB. */
export const MAX_ENTRY_BYTES = 256 * 1024;
export const MAX_REQUEST_BYTES = 256 * 1024;

/** The fields of a PutEvents entry its size is counted from, as the SDK holds them or a request sends them. */
export interface SizedEntry {
  readonly Time?: unknown;
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly Resources?: unknown;
}

/**
 * A PutEvents entry's size as EventBridge counts it against its limits ("Calculating PutEvents event
 * entry size"): 14 bytes for a Time when one is given, plus the UTF-8 bytes of Source, DetailType,
 * Detail and each of Resources. Not the event's JSON, which is a few hundred bytes larger.
 */
export function entrySize(entry: SizedEntry): number {
  const bytes = (text: unknown) => (typeof text === 'string' ? Buffer.byteLength(text) : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    (entry.Time === undefined ? 0 : 14) +
    bytes(entry.Source) +
    bytes(entry.DetailType) +
    bytes(entry.Detail) +
    resources.reduce((sum: number, resource) => sum + bytes(resource), 0)
  );
}

/**
 * The size of the entry an event is put on EventBridge as: its detail as JSON text, and always a
 * Time, since every event has one and the EventBridge bus sends it.
 */
export const eventEntrySize = (event: PlatformEvent): number =>
  entrySize({
    Time: event.time,
    Source: event.source,
    DetailType: event['detail-type'],
    Detail: JSON.stringify(event.detail),
    Resources: event.resources,
  });

/**
 * The most an event may take as JSON, as the event log keeps it (a DynamoDB item holds 400 KB). An
 * entry within EventBridge's limit is within this too unless its fields are full of what JSON escapes
 * (a quote is two bytes there, a control character or a lone surrogate six), which EventBridge's
 * count does not see, or it has fields that count does not take at all: the id, account, region,
 * and a time of any length, which the count takes as 14 bytes.
 */
export const MAX_EVENT_JSON_BYTES = 320 * 1024;

/** What JSON writes of an event besides its fields' text: the keys, quotes, commas and braces. */
const EVENT_JSON_FRAME = Buffer.byteLength(
  JSON.stringify({
    version: '0',
    id: '',
    'detail-type': '',
    source: '',
    account: '',
    time: '',
    region: '',
    resources: [],
    detail: {},
  }),
);

/**
 * At least the event's JSON bytes, without writing it: a UTF-8 byte of the entry, or a UTF-16 unit
 * of a field the entry does not count, is at most six bytes there (\u0001 for one byte, \udc00 for
 * a lone surrogate's three); each resource adds its quotes and a comma.
 */
const eventJsonBound = (event: PlatformEvent, size: number): number =>
  6 * (size + event.id.length + event.account.length + event.region.length + event.time.length) +
  3 * event.resources.length +
  EVENT_JSON_FRAME;

/**
 * The field error naming an event at `pointer` whose entry is over MAX_ENTRY_BYTES, or whose JSON
 * is over MAX_EVENT_JSON_BYTES; none when it fits. The JSON is measured only for an event whose
 * bound says it might not fit. `size` is the entry's, when the event was made of one that is not the
 * entry the platform's bus sends (the EventBridge stand-in's, which may have had no Time).
 */
export function oversizedEntry(
  event: PlatformEvent,
  pointer: string,
  size = eventEntrySize(event),
): FieldError | undefined {
  if (size > MAX_ENTRY_BYTES)
    return {
      pointer,
      detail: `is ${size} bytes as a PutEvents entry, over EventBridge's limit of ${MAX_ENTRY_BYTES} bytes (256 KB)`,
    };
  if (eventJsonBound(event, size) <= MAX_EVENT_JSON_BYTES) return undefined;
  const json = Buffer.byteLength(JSON.stringify(event));
  if (json <= MAX_EVENT_JSON_BYTES) return undefined;
  return {
    pointer,
    detail: `is ${json} bytes as JSON (what JSON escapes counts there, and the fields a PutEvents entry does not count), over the ${MAX_EVENT_JSON_BYTES} bytes the event log holds of an event`,
  };
}

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
 * Events checked where they were made are not checked again. The platform's own (platformEvent):
 * their shape is fixed and their details are names, ids and codes, held by the API's own limits far
 * below MAX_ENTRY_BYTES; checking the Operation event of every call cost ~5% of the invoke path. And
 * those the EventBridge stand-in made of entries it checked as EventBridge does: an entry sent without
 * a Time did not count the 14 bytes of the time its event now has.
 */
const checkedWhereMade = new WeakSet<object>();

export function markChecked(event: PlatformEvent): PlatformEvent {
  checkedWhereMade.add(event);
  return event;
}

/**
 * Throws Validation naming the field when an event does not have EventBridge's shape or its entry is
 * too large.
 */
export function checkEvent(event: unknown, pointer = ''): PlatformEvent {
  if (typeof event === 'object' && event !== null && checkedWhereMade.has(event))
    return event as PlatformEvent;
  const checked = checkEventShape(event, pointer);
  const oversized = oversizedEntry(checked, pointer);
  if (oversized) throw new ValidationError(`the event ${oversized.detail}`, [oversized]);
  return checked;
}

/**
 * Throws Validation naming the field when an event does not have EventBridge's shape; its size is
 * the caller's to check (the EventBridge stand-in counts the entry as it was received).
 */
export function checkEventShape(event: unknown, pointer = ''): PlatformEvent {
  const parsed = PlatformEventSchema.safeParse(event);
  if (!parsed.success) {
    const errors = zodFieldErrors(parsed.error, pointer, event);
    throw invalidFields('the event is not valid', errors);
  }
  return parsed.data as PlatformEvent;
}
