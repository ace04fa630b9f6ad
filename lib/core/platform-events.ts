import { randomUUID } from 'node:crypto';
import { PLATFORM_SOURCE, type PlatformDetailType, type PlatformEvent } from '../sdk/events';
import { markChecked } from './events/event-schema';

export interface EventOrigin {
  account: string;
  region: string;
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
    time: new Date().toISOString(),
    region: origin.region,
    resources,
    detail,
  });
}
