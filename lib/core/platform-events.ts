import { randomUUID } from 'node:crypto';
import { PLATFORM_SOURCE, type PlatformDetailType, type PlatformEvent } from '../sdk/events';
import { markChecked } from './events/event-schema';

export interface EventOrigin {
  account: string;
  region: string;
}

let lastMs = Number.NaN;
let lastTime = '';

/**
 * Now as ISO 8601 text, made once a millisecond: every call reports an Operation event, several in a
 * millisecond under load, and `toISOString` cost ~0.8 µs where reading the clock costs ~0.06.
 */
function now(): string {
  const ms = Date.now();
  if (ms !== lastMs) {
    lastMs = ms;
    lastTime = new Date(ms).toISOString();
  }
  return lastTime;
}

/** A platform lifecycle event in EventBridge's shape. */
export function platformEvent(
  origin: EventOrigin,
  detailType: PlatformDetailType,
  detail: Record<string, unknown>,
  resources: string[] = [],
): PlatformEvent {
  return markChecked({
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source: PLATFORM_SOURCE,
    account: origin.account,
    time: now(),
    region: origin.region,
    resources,
    detail,
  });
}
