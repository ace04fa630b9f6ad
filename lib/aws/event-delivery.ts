import type { DispatcherDeps } from '../core/dispatcher/deps';
import { createEventsPlatform } from '../core/events/events-platform';
import { type Sleep, timerSleep } from '../core/events/retry-policy';
import type { CredentialResolver, EventStore, GuardStore } from '../core/ports';
import type { PlatformEvent } from '../sdk/events';

export interface EventDeliveryProps {
  readonly deps: DispatcherDeps;
  readonly store: EventStore & GuardStore;
  /** Required by the events platform; delivery itself never reads a webhook secret. */
  readonly webhookSecrets: CredentialResolver;
  /** @default real timers */
  readonly sleep?: Sleep;
}

/** What a subscription's rule hands the function (see EventBridgeSubscriptionRules). */
export interface SubscriptionDelivery {
  subscriptionId: string;
  event: PlatformEvent;
}

/** A plain event from the bus's catch-all rule, or one subscription's share of an event from its own rule. */
export type DeliveryInput = PlatformEvent | SubscriptionDelivery;

/**
 * What the delivery Lambda does with each input EventBridge hands it, running the same router as
 * the local bus, each target with retries and then the dead-letter store:
 * - a plain event (the catch-all rule): log it (idempotent by id, so EventBridge's retries are
 *   harmless) and run the built-in reactions, lifecycle hooks and webhook rules. It is logged
 *   complete at once: nothing on AWS recovers a pending event (what fails goes to the dead-letter
 *   queue), and a write after the reactions that failed would have Lambda run them again, then
 *   queue a letter that runs them once more;
 * - `{ subscriptionId, event }` (a subscription's rule): deliver to that subscription alone.
 */
export function createEventDelivery(props: EventDeliveryProps): (input: DeliveryInput) => Promise<void> {
  const { router } = createEventsPlatform(props.deps, {
    store: props.store,
    guards: props.store,
    webhookSecrets: props.webhookSecrets,
    sleep: props.sleep ?? timerSleep,
  });
  return async (input) => {
    if ('subscriptionId' in input) {
      await router.deliverToSubscription(input.subscriptionId, input.event);
      return;
    }
    await props.store.appendEvent(input, { pending: false });
    await router.deliverBuiltins(input);
  };
}

/** The event an input is about: its id follows it through retries, so it is the correlation id. */
export const deliveredEvent = (input: DeliveryInput): PlatformEvent =>
  'subscriptionId' in input ? input.event : input;
