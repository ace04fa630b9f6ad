import type { EventBus, EventStore } from '../ports';
import type { EventRouter } from './event-router';
import type { SubscriptionService } from './subscription-service';

/** What the event route modules are given. */
export interface EventsServices {
  readonly store: EventStore;
  readonly router: EventRouter;
  readonly subscriptions: SubscriptionService;
  readonly bus: EventBus;
}
