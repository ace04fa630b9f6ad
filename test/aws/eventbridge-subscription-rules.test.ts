import {
  DeleteRuleCommand,
  EventBridgeClient,
  EventBridgeServiceException,
  InvalidEventPatternException,
  LimitExceededException,
  ListRulesCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { readEnvironment } from '../../lib/aws/environment';
import {
  EventBridgeSubscriptionRules,
  removeAllSubscriptionRules,
} from '../../lib/aws/eventbridge-subscription-rules';
import { awsSubscriptionRules } from '../../lib/aws/platform-deps';
import type { SubscriptionRecord } from '../../lib/core/ports';
import { PlugboardError } from '../../lib/sdk/errors';
import { rejection } from '../fixtures/rejection';

const eventBridge = mockClient(EventBridgeClient);
const DELIVERY = 'arn:aws:lambda:eu-west-1:123456789012:function:PlugboardStateless-test-EventDelivery';
const DLQ = 'arn:aws:sqs:eu-west-1:123456789012:PlugboardStateful-test-DeadLetterQueue';
const rules = (stage = 'test') =>
  new EventBridgeSubscriptionRules({
    client: new EventBridgeClient({ region: 'eu-west-1' }),
    busName: 'plugboard-test',
    stage,
    deliveryFunctionArn: DELIVERY,
    deadLetterQueueArn: DLQ,
  });

const ID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const RULE = 'plugboard-test-sub-0f8fad5bd9cb469fa16570867728950e';
const subscription: SubscriptionRecord = {
  id: ID,
  pattern: {
    source: ['plugboard'],
    'detail-type': ['Instance Created'],
    detail: { plugin: [{ prefix: 'kv' }] },
  },
  instance: 'prod-config',
  handler: 'events',
  params: {},
  order: 0,
  createdAt: '2030-01-01T00:00:00.000Z',
};
const failure = (work: Promise<unknown>) => rejection(work, PlugboardError);
const notFound = () => new ResourceNotFoundException({ message: 'Rule does not exist', $metadata: {} });

describe('EventBridgeSubscriptionRules', () => {
  beforeEach(() => eventBridge.reset());

  it('puts a rule with the pattern on the bus, targeting the delivery function with retries and the DLQ', async () => {
    eventBridge.on(PutRuleCommand).resolves({ RuleArn: `arn:rule/${RULE}` });
    eventBridge.on(PutTargetsCommand).resolves({ FailedEntryCount: 0, FailedEntries: [] });
    await rules().put(subscription);

    const [putRule] = eventBridge.commandCalls(PutRuleCommand);
    expect(putRule!.args[0].input).toMatchObject({
      Name: RULE,
      EventBusName: 'plugboard-test',
      State: 'ENABLED',
    });
    expect(JSON.parse(putRule!.args[0].input.EventPattern!)).toEqual(subscription.pattern);

    const [putTargets] = eventBridge.commandCalls(PutTargetsCommand);
    const input = putTargets!.args[0].input;
    expect(input.Rule).toBe(RULE);
    expect(input.EventBusName).toBe('plugboard-test');
    expect(input.Targets).toHaveLength(1);
    const [target] = input.Targets!;
    expect(target).toMatchObject({
      Id: 'delivery',
      Arn: DELIVERY,
      RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      DeadLetterConfig: { Arn: DLQ },
    });
    // EventBridge puts the whole event where the placeholder stands; with it filled in, the input is JSON.
    const template = target!.InputTransformer!.InputTemplate!;
    const event = { id: 'e1', detail: { plugin: 'kv' } };
    const filled = template.replace('<aws.events.event.json>', JSON.stringify(event));
    expect(JSON.parse(filled)).toEqual({ subscriptionId: ID, event });
    expect(eventBridge.commandCalls(DeleteRuleCommand)).toHaveLength(0);
  });

  it('keeps rule names within 64 characters for the longest stage', async () => {
    eventBridge.on(PutRuleCommand).resolves({});
    eventBridge.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });
    await rules('a-sixteen-chars-').put(subscription);
    const name = eventBridge.commandCalls(PutRuleCommand)[0]!.args[0].input.Name!;
    expect(name).toBe('plugboard-a-sixteen-chars--sub-0f8fad5bd9cb469fa16570867728950e');
    expect(name.length).toBeLessThanOrEqual(64);
  });

  it('refuses a pattern EventBridge rejects as a validation error on /pattern, with nothing sent after', async () => {
    eventBridge
      .on(PutRuleCommand)
      .rejects(new InvalidEventPatternException({ message: 'Event pattern is not valid', $metadata: {} }));
    const error = await failure(rules().put(subscription));
    expect(error.code).toBe('Validation');
    expect(error.errors?.map((e) => e.pointer)).toEqual(['/pattern']);
    expect(eventBridge.commandCalls(PutTargetsCommand)).toHaveLength(0);
  });

  it("refuses a pattern over EventBridge's 2048 characters before calling it", async () => {
    const long = {
      ...subscription,
      pattern: { source: Array.from({ length: 300 }, (_, i) => `source-${i}`) },
    };
    const error = await failure(rules().put(long));
    expect(error.code).toBe('Validation');
    expect(error.message).toContain('2048');
    expect(eventBridge.calls()).toHaveLength(0);
  });

  it('answers Unavailable, naming the AWS error, when the rule cannot be put', async () => {
    eventBridge.on(PutRuleCommand).rejects(
      new LimitExceededException({
        message: 'The requested resource exceeds the maximum number allowed',
        $metadata: {},
      }),
    );
    const error = await failure(rules().put(subscription));
    expect(error.code).toBe('Unavailable');
    expect(error.message).toContain('LimitExceededException');
  });

  it.each([
    [
      'AccessDeniedException',
      () =>
        new EventBridgeServiceException({
          name: 'AccessDeniedException',
          $fault: 'client',
          message: 'User arn:aws:sts::123456789012:assumed-role/x is not authorized',
          $metadata: {},
        }),
    ],
    [
      'ResourceNotFoundException',
      () =>
        new ResourceNotFoundException({ message: 'Event bus plugboard-test does not exist.', $metadata: {} }),
    ],
  ])(
    'answers Internal, not a retry, when the deployment is wrong (%s), without AWS words',
    async (code, refusal) => {
      eventBridge.on(PutRuleCommand).rejects(refusal());
      const error = await failure(rules().put(subscription));
      expect(error.code).toBe('Internal');
      expect(error.message).toContain(code);
      expect(error.message).not.toMatch(/arn:|123456789012|does not exist/);
    },
  );

  it('deletes the rule again when its target is refused, so no rule is left without one', async () => {
    eventBridge.on(PutRuleCommand).resolves({});
    eventBridge.on(PutTargetsCommand).resolves({
      FailedEntryCount: 1,
      FailedEntries: [{ TargetId: 'delivery', ErrorCode: 'ConcurrentModificationException' }],
    });
    eventBridge.on(DeleteRuleCommand).resolves({});
    const error = await failure(rules().put(subscription));
    expect(error.code).toBe('Unavailable');
    expect(error.message).toContain('ConcurrentModificationException');
    expect(eventBridge.commandCalls(DeleteRuleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: RULE, EventBusName: 'plugboard-test' },
    ]);
  });

  it('deletes the rule again when PutTargets itself fails', async () => {
    eventBridge.on(PutRuleCommand).resolves({});
    eventBridge.on(PutTargetsCommand).rejects(new Error('socket hang up'));
    eventBridge.on(DeleteRuleCommand).resolves({});
    expect((await failure(rules().put(subscription))).code).toBe('Unavailable');
    expect(eventBridge.commandCalls(DeleteRuleCommand)).toHaveLength(1);
  });

  it('removes the target, then the rule', async () => {
    eventBridge.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 });
    eventBridge.on(DeleteRuleCommand).resolves({});
    await rules().remove(ID);
    expect(eventBridge.commandCalls(RemoveTargetsCommand).map((c) => c.args[0].input)).toEqual([
      { Rule: RULE, EventBusName: 'plugboard-test', Ids: ['delivery'] },
    ]);
    expect(eventBridge.commandCalls(DeleteRuleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: RULE, EventBusName: 'plugboard-test' },
    ]);
    const order = eventBridge.calls().map((call) => call.args[0].constructor.name);
    expect(order).toEqual(['RemoveTargetsCommand', 'DeleteRuleCommand']);
  });

  it('removes idempotently: a rule already gone is not an error', async () => {
    eventBridge.on(RemoveTargetsCommand).rejects(notFound());
    eventBridge.on(DeleteRuleCommand).rejects(notFound());
    await expect(rules().remove(ID)).resolves.toBeUndefined();
    expect(eventBridge.commandCalls(DeleteRuleCommand)).toHaveLength(1);
  });

  it('keeps the rule and answers Unavailable when its target cannot be removed', async () => {
    eventBridge.on(RemoveTargetsCommand).resolves({
      FailedEntryCount: 1,
      FailedEntries: [{ TargetId: 'delivery', ErrorCode: 'InternalFailure' }],
    });
    const error = await failure(rules().remove(ID));
    expect(error.code).toBe('Unavailable');
    expect(error.message).toContain('InternalFailure');
    expect(eventBridge.commandCalls(DeleteRuleCommand)).toHaveLength(0);
  });

  it('answers Unavailable when the rule cannot be deleted', async () => {
    eventBridge.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 });
    eventBridge.on(DeleteRuleCommand).rejects(new Error('throttled'));
    expect((await failure(rules().remove(ID))).code).toBe('Unavailable');
  });
});

describe('removeAllSubscriptionRules', () => {
  beforeEach(() => eventBridge.reset());
  const bus = () => ({
    client: new EventBridgeClient({ region: 'eu-west-1' }),
    busName: 'plugboard-test',
    stage: 'test',
  });
  const OTHER = 'plugboard-test-sub-7c9e6679742540de944be07fc1f90ae7';

  it("lists the stage's rules on its bus page by page, and removes each one's target, then the rule", async () => {
    eventBridge
      .on(ListRulesCommand, { NextToken: undefined })
      .resolves({ Rules: [{ Name: RULE }], NextToken: 'page-2' })
      .on(ListRulesCommand, { NextToken: 'page-2' })
      .resolves({ Rules: [{ Name: OTHER }] });
    eventBridge.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 });
    eventBridge.on(DeleteRuleCommand).resolves({});
    expect(await removeAllSubscriptionRules(bus())).toEqual([RULE, OTHER]);
    expect(eventBridge.commandCalls(ListRulesCommand).map((c) => c.args[0].input)).toEqual([
      { EventBusName: 'plugboard-test', NamePrefix: 'plugboard-test-sub-', NextToken: undefined },
      { EventBusName: 'plugboard-test', NamePrefix: 'plugboard-test-sub-', NextToken: 'page-2' },
    ]);
    const removals = eventBridge
      .calls()
      .map((call) => call.args[0])
      .filter((command) => !(command instanceof ListRulesCommand))
      .map((command) => [command.constructor.name, JSON.stringify(command.input)]);
    expect(removals).toEqual([
      [
        'RemoveTargetsCommand',
        JSON.stringify({ Rule: RULE, EventBusName: 'plugboard-test', Ids: ['delivery'] }),
      ],
      ['DeleteRuleCommand', JSON.stringify({ Name: RULE, EventBusName: 'plugboard-test' })],
      [
        'RemoveTargetsCommand',
        JSON.stringify({ Rule: OTHER, EventBusName: 'plugboard-test', Ids: ['delivery'] }),
      ],
      ['DeleteRuleCommand', JSON.stringify({ Name: OTHER, EventBusName: 'plugboard-test' })],
    ]);
  });

  it('is done when there are none, or when one went meanwhile', async () => {
    eventBridge.on(ListRulesCommand).resolves({ Rules: [] });
    expect(await removeAllSubscriptionRules(bus())).toEqual([]);
    expect(eventBridge.commandCalls(DeleteRuleCommand)).toHaveLength(0);
    eventBridge.reset();
    eventBridge.on(ListRulesCommand).resolves({ Rules: [{ Name: RULE }] });
    eventBridge.on(RemoveTargetsCommand).rejects(notFound());
    eventBridge.on(DeleteRuleCommand).rejects(notFound());
    expect(await removeAllSubscriptionRules(bus())).toEqual([RULE]);
  });

  it('fails as Unavailable when a rule stays, so the stack deletion stops before the bus', async () => {
    eventBridge.on(ListRulesCommand).resolves({ Rules: [{ Name: RULE }] });
    eventBridge.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 });
    eventBridge.on(DeleteRuleCommand).rejects(new Error('throttled'));
    expect((await failure(removeAllSubscriptionRules(bus()))).code).toBe('Unavailable');
  });
});

describe('awsSubscriptionRules', () => {
  const base = { PLUGBOARD_STAGE: 'test', PLUGBOARD_TABLE_NAME: 't', PLUGBOARD_BUS_NAME: 'plugboard-test' };

  it('gives rules to the function whose settings name the delivery function and the DLQ (the dispatcher)', () => {
    const env = readEnvironment({
      ...base,
      PLUGBOARD_DELIVERY_FUNCTION_ARN: DELIVERY,
      PLUGBOARD_DEAD_LETTER_QUEUE_ARN: DLQ,
    });
    expect(awsSubscriptionRules(env)).toBeInstanceOf(EventBridgeSubscriptionRules);
  });

  it('gives none elsewhere, and refuses a setting that is not an ARN', () => {
    expect(awsSubscriptionRules(readEnvironment(base))).toBeUndefined();
    expect(() => readEnvironment({ ...base, PLUGBOARD_DELIVERY_FUNCTION_ARN: 'delivery' })).toThrow(
      /PLUGBOARD_DELIVERY_FUNCTION_ARN/,
    );
  });
});
