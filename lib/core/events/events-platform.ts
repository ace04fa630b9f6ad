import type { DispatcherOptions } from '../dispatcher/app';
import type { DispatcherDeps } from '../dispatcher/deps';
import { guardChain } from '../guards/guard-chain';
import { guardRoutes } from '../guards/guard-routes';
import { GuardService } from '../guards/guard-service';
import { InstanceService } from '../instances/instance-service';
import { InvocationService } from '../invocation/invocation-service';
import type {
  CredentialResolver,
  DeliveryJournal,
  EventStore,
  GuardStore,
  SubscriptionRules,
} from '../ports';
import { webhookRoutes } from '../webhooks/webhook-routes';
import { WebhookService } from '../webhooks/webhook-service';
import { webhookTarget } from '../webhooks/webhook-target';
import { EventRouter } from './event-router';
import { lifecycleTarget } from './lifecycle-target';
import { parkingBus, publishTarget } from './parking-bus';
import type { RetryPolicy, Sleep } from './retry-policy';
import { dlqRoutes } from './routes/dlq-routes';
import { eventRoutes } from './routes/event-routes';
import { subscriptionRoutes } from './routes/subscription-routes';
import { SubscriptionService } from './subscription-service';

export interface EventsPlatformProps {
  readonly store: EventStore;
  readonly guards: GuardStore;
  /** Reads webhook secrets (the dispatcher's CredentialStore can only write them). */
  readonly webhookSecrets: CredentialResolver;
  readonly sleep: Sleep;
  /** @default DEFAULT_RETRY */
  readonly retry?: RetryPolicy;
  /**
   * Where the bus fans out by itself (EventBridge): one rule per subscription, written as
   * subscriptions are created and deleted.
   * @default none: subscriptions are matched in process, as the local bus does
   */
  readonly rules?: SubscriptionRules;
  /**
   * Where a bus that delivers in process notes the attempts it starts (see EventRouterProps).
   * @default none
   */
  readonly journal?: DeliveryJournal;
}

export interface EventsPlatform {
  readonly router: EventRouter;
  /** Route modules (events, subscriptions, DLQ, webhooks, guards) and the guard chain for the dispatcher. */
  readonly dispatcher: DispatcherOptions;
}

/**
 * Events, webhooks and guards assembled over the ports. Deliveries, webhook actions and guards all
 * go through an InvocationService that carries the guard chain, so an action a subscription
 * triggers is guarded like one a caller triggers.
 */
export function createEventsPlatform(
  dispatcherDeps: DispatcherDeps,
  props: EventsPlatformProps,
): EventsPlatform {
  const announcements = parkingBus(dispatcherDeps.bus, props.store, dispatcherDeps.log);
  // Deliveries report their calls as the dispatcher's calls do: a refused report does not fail them.
  const deps = { ...dispatcherDeps, bus: announcements };
  const instances = new InstanceService(deps);
  const guards = new GuardService(props.guards, instances);
  const guard = guardChain(guards, new InvocationService(deps));
  const invocations = new InvocationService(deps, guard);
  const subscriptions = new SubscriptionService(props.store, instances, props.rules);
  const router = new EventRouter({
    store: props.store,
    subscriptions,
    invocations,
    builtins: [
      lifecycleTarget(deps.registry, invocations),
      webhookTarget(props.store, deps.registry, invocations),
    ],
    letterTargets: [publishTarget(dispatcherDeps.bus)],
    retry: props.retry,
    sleep: props.sleep,
    log: deps.log,
    journal: props.journal,
  });
  // A webhook whose event the bus refuses is refused to its sender, whose retry is the redrive.
  const webhooks = new WebhookService(dispatcherDeps, props.store, props.webhookSecrets, instances);
  const services = { store: props.store, router, subscriptions, bus: dispatcherDeps.bus };
  return {
    router,
    dispatcher: {
      guard,
      announcements,
      dependentsOf: async (instance) => [
        ...(await subscriptions.deliveringTo(instance)).map((id) => `subscription ${id}`),
        ...(await guards.attachedAs(instance)).map((id) => `guard ${id}`),
      ],
      modules: [
        eventRoutes(services),
        subscriptionRoutes(services),
        dlqRoutes(services),
        webhookRoutes(webhooks, props.store),
        guardRoutes(guards),
      ],
    },
  };
}
