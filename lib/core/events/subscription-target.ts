import type { EventDelivery } from '../../sdk/events';
import type { InvocationService } from '../invocation/invocation-service';
import type { SubscriptionRecord } from '../ports';
import type { DeliveryTarget } from './delivery-target';

/** Delivers to a subscription's instance through the same invocation path as any API call. */
export function subscriptionTarget(
  subscription: SubscriptionRecord,
  invocations: InvocationService,
): DeliveryTarget {
  return {
    id: subscription.id,
    async deliver({ event, idempotencyKey, attempt }) {
      const [kind, name = ''] = subscription.handler.split(':', 2);
      if (kind === 'action') {
        await invocations.action(subscription.instance, name, subscription.params, {
          requestId: idempotencyKey,
          cause: event,
        });
        return;
      }
      const { instance, manifest } = await invocations.resolve(subscription.instance);
      const call = { instance, manifest, requestId: idempotencyKey, cause: event };
      if (kind === 'lifecycle') {
        await invocations.run(call, 'lifecycle', name, event.detail);
        return;
      }
      const delivery: EventDelivery = { event, idempotencyKey, subscriptionId: subscription.id, attempt };
      await invocations.run(call, 'event', 'events', delivery);
    },
  };
}
