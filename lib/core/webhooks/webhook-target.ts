import type { WebhookCall } from '../../sdk/contracts';
import { missingCredentials } from '../../sdk/credential-fields';
import { PlugboardError } from '../../sdk/errors';
import { PLATFORM_SOURCE, type PlatformEvent } from '../../sdk/events';
import type { BuiltinTarget } from '../events/delivery-target';
import { compilePattern, matches } from '../events/pattern';
import type { InvocationService } from '../invocation/invocation-service';
import type {
  EventStore,
  InstanceRecord,
  Registry,
  WebhookDeliveryRecord,
  WebhookRuleRecord,
} from '../ports';
import { resolvePointer } from './json-pointer';

type Outcome = WebhookDeliveryRecord['outcomes'][number];

/**
 * Processes a recorded webhook delivery when its `Webhook Received` event comes off the bus: every
 * matching rule in order, every instance of the rule's plugin, each outcome recorded. A delivery
 * already processed is left alone, so a redelivered event does not run the actions twice.
 */
export function webhookTarget(
  store: EventStore,
  registry: Registry,
  invocations: InvocationService,
): BuiltinTarget {
  return {
    id: 'webhooks',
    applies: (event: PlatformEvent) =>
      event.source === PLATFORM_SOURCE && event['detail-type'] === 'Webhook Received',
    async deliver({ event }) {
      const { source, deliveryId } = event.detail as { source: string; deliveryId: string };
      const delivery = await store.getWebhookDelivery(source, deliveryId);
      if (!delivery || delivery.status === 'processed') return;
      const rules = (await store.listWebhookRules(source)).sort(
        (a, b) => a.order - b.order || a.createdAt.localeCompare(b.createdAt),
      );
      const outcomes: Outcome[] = [];
      for (const rule of rules) {
        const everything = Object.keys(rule.filter).length === 0;
        const message = { headers: delivery.headers, payload: delivery.payload };
        if (!everything && !matches(compilePattern(rule.filter), message)) continue;
        outcomes.push(...(await runRule(rule, delivery, registry, invocations)));
      }
      await store.updateWebhookDelivery({ ...delivery, status: 'processed', outcomes });
    },
  };
}

async function runRule(
  rule: WebhookRuleRecord,
  delivery: WebhookDeliveryRecord,
  registry: Registry,
  invocations: InvocationService,
): Promise<Outcome[]> {
  const [slug = '', action = ''] = rule.handler.split('#');
  const plugin = await registry.getPlugin(slug);
  if (plugin?.status !== 'loaded')
    return [{ rule: rule.id, instance: '', outcome: 'failed', reason: `no plugin "${slug}" is loaded` }];
  const identifier =
    rule.identifierSelector === undefined
      ? undefined
      : resolvePointer(delivery.payload, rule.identifierSelector);
  const call: WebhookCall = {
    payload: delivery.payload,
    headers: delivery.headers,
    actionConfig: rule.actionConfig,
    externalIdentifier: identifier === undefined || identifier === null ? undefined : String(identifier),
    deliveryId: delivery.deliveryId,
    source: delivery.source,
  };
  const isSet = (instance: InstanceRecord) => (name: string) => instance.credentialsSet.includes(name);
  const outcomes: Outcome[] = [];
  for (const instance of await instancesOf(registry, slug)) {
    if (missingCredentials(plugin.manifest, isSet(instance)).length > 0) {
      outcomes.push({
        rule: rule.id,
        instance: instance.name,
        outcome: 'skipped',
        reason: 'the instance has no credentials',
      });
      continue;
    }
    try {
      await invocations.run(
        { instance, manifest: plugin.manifest, requestId: `${delivery.source}:${delivery.deliveryId}` },
        'webhook',
        action,
        call,
      );
      outcomes.push({ rule: rule.id, instance: instance.name, outcome: 'succeeded' });
    } catch (error) {
      const reason =
        error instanceof PlugboardError ? `${error.code}: ${error.message}` : 'the action failed';
      outcomes.push({ rule: rule.id, instance: instance.name, outcome: 'failed', reason });
    }
  }
  return outcomes;
}

async function instancesOf(registry: Registry, plugin: string): Promise<InstanceRecord[]> {
  const instances: InstanceRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await registry.listInstances({ plugin, limit: 1000, cursor });
    instances.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return instances.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}
