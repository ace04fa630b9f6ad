import {
  DeleteRuleCommand,
  type EventBridgeClient,
  ListRulesCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import type { SubscriptionRecord, SubscriptionRules } from '../core/ports';
import { PlugboardError, ValidationError } from '../sdk/errors';
import { DELIVERY_RETRY } from './delivery-retry';
import { deploymentFault, eventBridgeFault } from './eventbridge-errors';
import { isSdkError } from './lazy-sdk';
import { subscriptionRuleName, subscriptionRulePrefix } from './names';

/** Where a stage's subscription rules live: enough to remove them. */
export interface SubscriptionRulesBus {
  readonly client: EventBridgeClient;
  readonly busName: string;
  readonly stage: string;
}

export interface EventBridgeSubscriptionRulesOptions extends SubscriptionRulesBus {
  /** The event-delivery function: every subscription rule targets it. */
  readonly deliveryFunctionArn: string;
  /** Where EventBridge puts an event it could not hand to the function after its retries. */
  readonly deadLetterQueueArn: string;
}

/** The one target of a subscription rule. */
const TARGET_ID = 'delivery';
const MAX_RULE_NAME = 64;
/** EventBridge's limit on a rule's pattern, in characters. */
const MAX_PATTERN = 2048;

/**
 * Each subscription as a rule on the platform bus, so EventBridge does the matching and the fan-out.
 * The rule hands the delivery function `{ subscriptionId, event }`; the function reads the
 * subscription fresh and delivers to it alone.
 */
export class EventBridgeSubscriptionRules implements SubscriptionRules {
  constructor(private readonly options: EventBridgeSubscriptionRulesOptions) {}

  async put(subscription: SubscriptionRecord): Promise<void> {
    const { client, busName } = this.options;
    const name = this.ruleName(subscription.id);
    const pattern = JSON.stringify(subscription.pattern);
    if (pattern.length > MAX_PATTERN) {
      const detail = `EventBridge takes patterns of at most ${MAX_PATTERN} characters; this one has ${pattern.length}`;
      throw new ValidationError(`the event pattern is too long: ${detail}`, [
        { pointer: '/pattern', detail },
      ]);
    }
    await send(() =>
      client.send(
        new PutRuleCommand({
          Name: name,
          EventBusName: busName,
          EventPattern: pattern,
          State: 'ENABLED',
          Description: `Plugboard subscription ${subscription.id}: ${subscription.handler} of ${subscription.instance}`,
        }),
      ),
    );
    const output = await send(() =>
      client.send(
        new PutTargetsCommand({
          Rule: name,
          EventBusName: busName,
          Targets: [
            {
              Id: TARGET_ID,
              Arn: this.options.deliveryFunctionArn,
              InputTransformer: {
                // `aws.events.event.json` is the whole event, detail included (`aws.events.event` is not).
                InputTemplate: `{"subscriptionId":${JSON.stringify(subscription.id)},"event":<aws.events.event.json>}`,
              },
              RetryPolicy: {
                MaximumRetryAttempts: DELIVERY_RETRY.maximumRetryAttempts,
                MaximumEventAgeInSeconds: DELIVERY_RETRY.maximumEventAgeSeconds,
              },
              DeadLetterConfig: { Arn: this.options.deadLetterQueueArn },
            },
          ],
        }),
      ),
    ).catch(async (error: unknown) => {
      // A rule without its target would match and deliver nothing: take it away again.
      await deleteRule(this.options, name).catch(() => undefined);
      throw error;
    });
    if (output.FailedEntryCount) {
      await deleteRule(this.options, name).catch(() => undefined);
      const codes = (output.FailedEntries ?? []).map((entry) => entry.ErrorCode).join(', ');
      throw new PlugboardError('Unavailable', `the event bus refused the rule's target (${codes})`);
    }
  }

  async remove(id: string): Promise<void> {
    await removeRule(this.options, this.ruleName(id));
  }

  private ruleName(id: string): string {
    const name = subscriptionRuleName(this.options.stage, id);
    if (name.length > MAX_RULE_NAME)
      throw new Error(`rule name "${name}" is over EventBridge's ${MAX_RULE_NAME} characters`);
    return name;
  }
}

/**
 * Removes every subscription rule of the stage from its bus, whatever the registry says, so that the
 * bus can be deleted (EventBridge deletes no bus that has rules). Returns the names removed.
 */
export async function removeAllSubscriptionRules(bus: SubscriptionRulesBus): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await send(() =>
      bus.client.send(
        new ListRulesCommand({
          EventBusName: bus.busName,
          NamePrefix: subscriptionRulePrefix(bus.stage),
          NextToken: token,
        }),
      ),
    );
    names.push(...(page.Rules ?? []).flatMap((rule) => (rule.Name ? [rule.Name] : [])));
    token = page.NextToken;
  } while (token);
  for (const name of names) await removeRule(bus, name);
  return names;
}

/** Its target first: EventBridge deletes no rule that has one. */
async function removeRule(bus: SubscriptionRulesBus, name: string): Promise<void> {
  const output = await sendUnlessGone(() =>
    bus.client.send(new RemoveTargetsCommand({ Rule: name, EventBusName: bus.busName, Ids: [TARGET_ID] })),
  );
  if (output?.FailedEntryCount) {
    const codes = (output.FailedEntries ?? []).map((entry) => entry.ErrorCode).join(', ');
    throw new PlugboardError('Unavailable', `the event bus kept the rule's target (${codes})`);
  }
  await deleteRule(bus, name);
}

async function deleteRule(bus: SubscriptionRulesBus, name: string): Promise<void> {
  await sendUnlessGone(() =>
    bus.client.send(new DeleteRuleCommand({ Name: name, EventBusName: bus.busName })),
  );
}

/**
 * AWS errors as PlugboardErrors: a pattern EventBridge refuses is the caller's to fix; a missing bus or
 * a role that may not manage its rules is the deployment's (as for the bus's events, eventBridgeFault).
 */
async function send<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const name = error instanceof Error ? error.name : 'Error';
    if (name === 'InvalidEventPatternException') {
      const detail = `EventBridge refuses the pattern: ${(error as Error).message}`;
      throw new ValidationError(`the event pattern is not valid: ${detail}`, [
        { pointer: '/pattern', detail },
      ]);
    }
    if (eventBridgeFault(name) === 'deployment') throw deploymentFault([name], "the subscription's rule");
    throw new PlugboardError('Unavailable', `the event bus refused the subscription's rule (${name})`);
  }
}

/** For removals: a rule or target that is already gone is done, so undefined rather than an error. */
async function sendUnlessGone<T>(call: () => Promise<T>): Promise<T | undefined> {
  return send(async () => {
    try {
      return await call();
    } catch (error) {
      if (isSdkError(error, 'ResourceNotFoundException')) return undefined;
      throw error;
    }
  });
}
