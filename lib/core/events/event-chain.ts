import { PLATFORM_SOURCE, type PlatformEvent } from '../../sdk/events';

/**
 * How many deliveries deep a chain of events may go: each call a subscription makes reports an
 * Operation event, which may match that subscription again. AWS stops recursive Lambda loops after
 * about 16 invocations; so does the platform, here and on AWS alike.
 */
export const MAX_CHAIN_DEPTH = 16;

/**
 * How many deliveries led to an event: an Operation event of a call made by a delivery carries
 * `chainDepth`, one more than the event delivered. Any other event starts a chain (0).
 */
export function chainDepth(event: PlatformEvent): number {
  const depth = event.source === PLATFORM_SOURCE ? event.detail?.chainDepth : undefined;
  return typeof depth === 'number' && Number.isSafeInteger(depth) && depth > 0 ? depth : 0;
}

/** What an Operation event records of the delivery that made its call. */
export function causeOf(event: PlatformEvent): { causedBy: string; chainDepth: number } {
  return { causedBy: event.id, chainDepth: chainDepth(event) + 1 };
}

/** Why a delivery was not attempted: stored with the dead letter, shown by GET /v1/dlq. */
export const CHAIN_TOO_DEEP = `not delivered: ${MAX_CHAIN_DEPTH} deliveries in a row each set off the next (a subscription that matches the Operation events of its own calls loops); narrow its pattern, then redrive`;
