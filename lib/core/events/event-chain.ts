import { PLATFORM_SOURCE, type PlatformEvent } from '../../sdk/events';

/**
 * How many deliveries deep a chain of events may go: each call a subscription makes reports an
 * Operation event, and may publish events of its plugin, either of which may match that
 * subscription again. AWS stops recursive Lambda loops after about 16 invocations; so does the
 * platform, here and on AWS alike.
 */
export const MAX_CHAIN_DEPTH = 16;

/**
 * How many deliveries led to an event: the Operation event of a call made by a delivery, and every
 * event that call publishes, carry `chainDepth`, one more than the event delivered. Only the platform
 * and its plugins publish from `plugboard` sources (callers are refused them), so the field is
 * trusted there and ignored elsewhere. Any other event starts a chain (0).
 */
export function chainDepth(event: PlatformEvent): number {
  const fromPlatform = event.source === PLATFORM_SOURCE || event.source.startsWith(`${PLATFORM_SOURCE}.`);
  const depth = fromPlatform ? event.detail?.chainDepth : undefined;
  return typeof depth === 'number' && Number.isSafeInteger(depth) && depth > 0 ? depth : 0;
}

/** Whether an event is too deep in a chain to be delivered to a subscription. */
export function chainTooDeep(event: PlatformEvent): boolean {
  return chainDepth(event) >= MAX_CHAIN_DEPTH;
}

/** What an Operation event records of the delivery that made its call. */
export function causeOf(event: PlatformEvent): { causedBy: string; chainDepth: number } {
  return { causedBy: event.id, chainDepth: chainDepth(event) + 1 };
}

/** Why a delivery was not attempted: stored with the dead letter, shown by GET /v1/dlq. */
export const CHAIN_TOO_DEEP = `not delivered: ${MAX_CHAIN_DEPTH} deliveries in a row each set off the next (a subscription that matches the Operation events of its own calls, or the events its handler publishes, loops); narrow its pattern, then redrive`;
