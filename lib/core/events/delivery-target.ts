import type { PlatformEvent } from '../../sdk/events';

/** One delivery of one event to one target; throws to ask for a retry. */
export interface DeliveryAttempt {
  event: PlatformEvent;
  /** `<event id>:<target id>`, stable across retries, redrives and replays. */
  idempotencyKey: string;
  attempt: number;
}

/** Somewhere an event goes: a subscription, or a built-in reaction of the platform. */
export interface DeliveryTarget {
  readonly id: string;
  deliver(delivery: DeliveryAttempt): Promise<void>;
}

/** A reaction the platform runs on its own events, with no subscription record (lifecycle, webhooks). */
export interface BuiltinTarget extends DeliveryTarget {
  applies(event: PlatformEvent): boolean;
}
