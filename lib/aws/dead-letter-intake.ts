import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LogFn } from '../core/dispatcher/deps';
import { checkEvent } from '../core/events/event-schema';
import { lifecycleTarget } from '../core/events/lifecycle-target';
import type { DeadLetter, EventStore } from '../core/ports';
import { webhookTarget } from '../core/webhooks/webhook-target';
import type { PlatformEvent } from '../sdk/events';
import { subscriptionRulePrefix } from './names';

export interface DeadLetterIntakeProps {
  /** The registry's event store: letters, and the event log for what the catch-all rule missed. */
  readonly store: Pick<EventStore, 'putDeadLetter' | 'appendEvent'>;
  /** Names the subscription rules (`plugboard-<stage>-sub-*`) apart from the stack's catch-all rule. */
  readonly stage: string;
  /** @default no logging */
  readonly log?: LogFn;
}

/** What one SQS message of the dead-letter queue says: the event, whom it missed, and why. */
export interface DeadLetterMessage {
  readonly event: PlatformEvent;
  /** A subscription's id, or undefined for the catch-all rule (event log and built-in reactions). */
  readonly subscriptionId: string | undefined;
  readonly attempts: number;
  readonly reason: string;
  readonly failedAt: string;
}

/** A message that does not have the shape EventBridge or Lambda gives one: it stays in the queue. */
export class UnreadableMessage extends Error {}

/**
 * The built-in reactions, for their ids and `applies` only, so that a letter names exactly the
 * targets redrive can take back (`targetById`). The intake delivers nothing, so what they would
 * deliver through is never reached; the proxy says so loudly if that ever changes.
 */
const unused = new Proxy(
  {},
  {
    get: () => {
      throw new Error('the dead-letter intake delivers nothing');
    },
  },
) as never;
const BUILTINS = [lifecycleTarget(unused, unused), webhookTarget(unused, unused, unused)];

/**
 * The SQS consumer of the stateful stack's dead-letter queue: each message becomes dead letters in
 * the registry (`<event id>:<target>`, the router's ids, so a letter written twice is one letter),
 * where GET /v1/dlq lists them and redrive delivers them. A message is deleted from the queue only
 * once its letters are written; one that cannot be read, or whose write failed, is reported as a
 * batch item failure and stays in the queue for the next receive.
 */
export function createDeadLetterIntake(
  props: DeadLetterIntakeProps,
): (event: SQSEvent) => Promise<SQSBatchResponse> {
  const { store, stage, log } = props;
  return async ({ Records }) => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of Records) {
      try {
        const message = readDeadLetterMessage(record, stage);
        for (const letter of await lettersOf(message, store)) await store.putDeadLetter(letter);
        log?.('info', 'dead letter taken in', {
          messageId: record.messageId,
          eventId: message.event.id,
          target: message.subscriptionId ?? 'catch-all',
        });
      } catch (error) {
        const unreadable = error instanceof UnreadableMessage;
        log?.(
          unreadable ? 'error' : 'warn',
          unreadable ? 'dead-letter message unreadable, kept' : 'dead-letter message not taken in, kept',
          {
            messageId: record.messageId,
            reason: error instanceof Error ? error.message : String(error),
          },
        );
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

/**
 * A subscription's letter, or for the catch-all rule one letter per built-in reaction that applies.
 * The catch-all delivery would also have written the event to the log; the intake does that here
 * (idempotent by id, and not pending: nothing on AWS recovers pending events), so the log holds it
 * and an event with no built-in reaction needs no letter at all: its subscriptions have rules of
 * their own.
 */
async function lettersOf(
  message: DeadLetterMessage,
  store: DeadLetterIntakeProps['store'],
): Promise<DeadLetter[]> {
  const { event, subscriptionId, attempts, reason, failedAt } = message;
  const letter = (target: string): DeadLetter => ({
    id: `${event.id}:${target}`,
    event,
    target,
    attempts,
    reason,
    failedAt,
  });
  if (subscriptionId !== undefined) return [letter(subscriptionId)];
  await store.appendEvent(event, { pending: false });
  return BUILTINS.filter((target) => target.applies(event)).map((target) => letter(target.id));
}

/**
 * Reads one message of either kind the queue receives:
 * - from an EventBridge rule target's dead-letter config: the body is the event as it entered the
 *   bus (not the target's transformed input), with message attributes RULE_ARN, TARGET_ARN,
 *   ERROR_CODE, ERROR_MESSAGE, RETRY_ATTEMPTS and, when a retry limit ended it,
 *   EXHAUSTED_RETRY_CONDITION. The subscription is named by the rule (its id without dashes);
 * - from the delivery function's on-failure destination: the body is Lambda's invocation record,
 *   whose requestPayload is the function's input, `{ subscriptionId, event }` or a plain event.
 * @throws UnreadableMessage naming what is missing
 */
export function readDeadLetterMessage(record: SQSRecord, stage: string): DeadLetterMessage {
  const body = parseJson(record.body);
  const failedAt = sentAt(record);
  const ruleArn = record.messageAttributes?.RULE_ARN?.stringValue;
  if (ruleArn !== undefined) {
    const attribute = (name: string) => record.messageAttributes[name]?.stringValue;
    const input = deliveryInput(body, 'the body');
    const ruleSubscription = subscriptionOfRule(ruleArn, stage);
    if (input.subscriptionId !== undefined && input.subscriptionId !== ruleSubscription)
      throw new UnreadableMessage(`the body names subscription ${input.subscriptionId}, the rule ${ruleArn}`);
    const retries = Number(attribute('RETRY_ATTEMPTS') ?? 0);
    const condition = attribute('EXHAUSTED_RETRY_CONDITION');
    const error = [attribute('ERROR_CODE'), attribute('ERROR_MESSAGE')].filter(Boolean).join(': ');
    return {
      event: input.event,
      subscriptionId: ruleSubscription,
      attempts: Number.isInteger(retries) && retries >= 0 ? retries + 1 : 1,
      reason: `EventBridge could not invoke the delivery function${condition ? ` (${condition} reached)` : ''}: ${error || 'no error given'}`,
      failedAt,
    };
  }
  if (isObject(body) && isObject(body.requestContext) && 'requestPayload' in body) {
    const input = deliveryInput(body.requestPayload, 'requestPayload');
    const context = body.requestContext;
    const response = isObject(body.responsePayload) ? body.responsePayload : {};
    const error = [response.errorType, response.errorMessage].filter((s) => typeof s === 'string').join(': ');
    const count = context.approximateInvokeCount;
    return {
      event: input.event,
      subscriptionId: input.subscriptionId,
      attempts: typeof count === 'number' && Number.isInteger(count) && count > 0 ? count : 1,
      reason: `the delivery function failed (${String(context.condition ?? 'unknown condition')}): ${error || 'no error given'}`,
      failedAt,
    };
  }
  throw new UnreadableMessage(
    'neither an EventBridge dead letter (no RULE_ARN attribute) nor a Lambda invocation record (no requestContext and requestPayload)',
  );
}

/** What the delivery function is handed (see DeliveryInput): an event, or a subscription's share of one. */
function deliveryInput(value: unknown, where: string): { event: PlatformEvent; subscriptionId?: string } {
  const wrapped = isObject(value) && 'subscriptionId' in value;
  if (wrapped && (typeof value.subscriptionId !== 'string' || value.subscriptionId === ''))
    throw new UnreadableMessage(`${where} has a subscriptionId that is not a string`);
  try {
    return wrapped
      ? { event: checkEvent(value.event), subscriptionId: value.subscriptionId as string }
      : { event: checkEvent(value) };
  } catch (error) {
    throw new UnreadableMessage(`${where} holds no event: ${(error as Error).message}`);
  }
}

/**
 * The subscription a rule delivers for, undefined for a rule of the stack (the catch-all).
 * Subscription ids are UUIDs and the rule name holds them without dashes (subscriptionRuleName).
 */
function subscriptionOfRule(ruleArn: string, stage: string): string | undefined {
  const name = ruleArn.slice(ruleArn.lastIndexOf('/') + 1);
  const prefix = subscriptionRulePrefix(stage);
  if (!name.startsWith(prefix)) return undefined;
  const hex = name.slice(prefix.length);
  const parts = /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/.exec(hex);
  if (!parts) throw new UnreadableMessage(`rule ${name} does not name a subscription id`);
  return parts.slice(1).join('-');
}

/** When SQS took the message: when the delivery was given up. */
function sentAt(record: SQSRecord): string {
  const ms = Number(record.attributes?.SentTimestamp);
  if (!Number.isFinite(ms) || ms <= 0) throw new UnreadableMessage('the message has no SentTimestamp');
  return new Date(ms).toISOString();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new UnreadableMessage('the body is not JSON');
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
