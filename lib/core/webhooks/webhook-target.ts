import type { WebhookCall } from '../../sdk/contracts';
import { missingCredentials } from '../../sdk/credential-fields';
import { PlugboardError } from '../../sdk/errors';
import { PLATFORM_SOURCE, type PlatformEvent } from '../../sdk/events';
import type { BuiltinTarget } from '../events/delivery-target';
import { compilePattern, matches } from '../events/pattern';
import { everyItem } from '../every-item';
import type { InvocationService } from '../invocation/invocation-service';
import type {
  EventStore,
  InstanceRecord,
  Registry,
  WebhookDeliveryRecord,
  WebhookOutcomeRecord,
  WebhookRuleRecord,
} from '../ports';
import { resolvePointer } from './json-pointer';

/** What runs a rule's action: the invocation service's `run`. */
type ActionRunner = Pick<InvocationService, 'run'>;

/**
 * Processes a recorded webhook delivery when its `Webhook Received` event comes off the bus: every
 * matching rule in order, every instance of the rule's plugin, each outcome recorded. A delivery
 * already processed is left alone, so a redelivered event does not run the actions twice; and each
 * action's outcome is noted as soon as it is known, so a delivery run again after its process died
 * partway (a Lambda timeout, a SIGKILL), or redriven, runs only the actions that have none.
 */
export function webhookTarget(
  store: EventStore,
  registry: Registry,
  invocations: ActionRunner,
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
      const noted = new Map(
        (await store.listWebhookOutcomes(source, deliveryId)).map((outcome) => [noteKey(outcome), outcome]),
      );
      const note = async (outcome: WebhookOutcomeRecord) => {
        await store.noteWebhookOutcome(source, deliveryId, outcome);
        noted.set(noteKey(outcome), outcome);
      };
      const outcomes: WebhookOutcomeRecord[] = [];
      const later: string[] = [];
      for (const rule of rules) {
        const everything = Object.keys(rule.filter).length === 0;
        const message = { headers: delivery.headers, payload: delivery.payload };
        if (!everything && !matches(compilePattern(rule.filter), message)) continue;
        outcomes.push(...(await runRule(rule, delivery, registry, invocations, { noted, note, later })));
      }
      if (later.length > 0)
        throw new PlugboardError(
          'Unavailable',
          `${later.length} webhook action(s) could not run now and run again: ${later.slice(0, 5).join('; ')}`,
        );
      await store.updateWebhookDelivery({ ...delivery, status: 'processed', outcomes });
      if (noted.size > 0) await store.clearWebhookOutcomes(source, deliveryId);
    },
  };
}

const noteKey = (outcome: Pick<WebhookOutcomeRecord, 'rule' | 'instance'>) =>
  `${outcome.rule}#${outcome.instance}`;

/**
 * Failures that say an action did not run, or is to run later: the plugin's function at its
 * concurrency limit or out of reach, or the plugin's own UnavailableError or RateLimitedError. Such
 * an action gets no outcome; the delivery fails once the others have run, so that the bus tries it
 * again (its retries, then the dead-letter queue and a redrive), and only such actions run then.
 */
const RUN_LATER: ReadonlySet<string> = new Set(['Unavailable', 'RateLimited']);

/**
 * The outcomes of actions run already, by rule and instance, and how to note another; and the
 * actions to run again later.
 */
interface Notes {
  readonly noted: ReadonlyMap<string, WebhookOutcomeRecord>;
  note(outcome: WebhookOutcomeRecord): Promise<void>;
  readonly later: string[];
}

async function runRule(
  rule: WebhookRuleRecord,
  delivery: WebhookDeliveryRecord,
  registry: Registry,
  invocations: ActionRunner,
  { noted, note, later }: Notes,
): Promise<WebhookOutcomeRecord[]> {
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
  const outcomes: WebhookOutcomeRecord[] = [];
  for (const instance of await instancesOf(registry, slug)) {
    const before = noted.get(noteKey({ rule: rule.id, instance: instance.name }));
    if (before) {
      outcomes.push(before);
      continue;
    }
    if (missingCredentials(plugin.manifest, isSet(instance)).length > 0) {
      outcomes.push({
        rule: rule.id,
        instance: instance.name,
        outcome: 'skipped',
        reason: 'the instance has no credentials',
      });
      continue;
    }
    let outcome: WebhookOutcomeRecord;
    try {
      await invocations.run(
        { instance, manifest: plugin.manifest, requestId: `${delivery.source}:${delivery.deliveryId}` },
        'webhook',
        action,
        call,
      );
      outcome = { rule: rule.id, instance: instance.name, outcome: 'succeeded' };
    } catch (error) {
      const reason =
        error instanceof PlugboardError ? `${error.code}: ${error.message}` : 'the action failed';
      if (error instanceof PlugboardError && RUN_LATER.has(error.code)) {
        later.push(`rule ${rule.id} on ${instance.name}: ${reason}`);
        continue;
      }
      outcome = { rule: rule.id, instance: instance.name, outcome: 'failed', reason };
    }
    await note(outcome);
    outcomes.push(outcome);
  }
  return outcomes;
}

async function instancesOf(registry: Registry, plugin: string): Promise<InstanceRecord[]> {
  const instances: InstanceRecord[] = [];
  for await (const instance of everyItem((page) => registry.listInstances({ plugin, ...page })))
    instances.push(instance);
  return instances.sort((a, b) => a.order - b.order || a.name.localeCompare(b.name));
}
