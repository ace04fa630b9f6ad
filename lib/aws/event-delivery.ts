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

/**
 * What the delivery Lambda does with each event EventBridge hands it: log it (idempotent by id, so
 * EventBridge's retries are harmless), then run the same router as the local bus: lifecycle hooks,
 * webhook rules and subscriptions, each with retries and then the dead-letter store.
 */
export function createEventDelivery(props: EventDeliveryProps): (event: PlatformEvent) => Promise<void> {
  const { router } = createEventsPlatform(props.deps, {
    store: props.store,
    guards: props.store,
    webhookSecrets: props.webhookSecrets,
    sleep: props.sleep ?? timerSleep,
  });
  return async (event) => {
    await props.store.appendEvent(event);
    await router.deliver(event);
  };
}
