import {
  DeleteRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handlerContext } from '../fixtures/handler-context';

const eventBridge = mockClient(EventBridgeClient);
const RULE = 'plugboard-test-sub-0f8fad5bd9cb469fa16570867728950e';
const context = handlerContext('subscription-rules-cleanup');
const cfnEvent = (RequestType: 'Create' | 'Update' | 'Delete') =>
  ({
    RequestType,
    ServiceToken: 'token',
    ResponseURL: 'https://example.invalid',
    StackId: 'stack',
    RequestId: `cfn-${RequestType}`,
    LogicalResourceId: 'SubscriptionRulesCleanup',
    ResourceType: 'Custom::PlugboardSubscriptionRulesCleanup',
    PhysicalResourceId: 'plugboard-test-subscription-rules-cleanup',
    ResourceProperties: { ServiceToken: 'token', BusName: 'plugboard-test' },
    OldResourceProperties: { ServiceToken: 'token', BusName: 'plugboard-test' },
  }) as unknown as CloudFormationCustomResourceEvent;

describe('functions/subscription-rules-cleanup.ts', () => {
  const saved = { ...process.env };
  beforeAll(() => {
    Object.assign(process.env, {
      PLUGBOARD_STAGE: 'test',
      AWS_REGION: 'eu-west-1',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
  });
  afterAll(() => {
    process.env = saved;
    eventBridge.restore();
  });
  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(ListRulesCommand).resolves({ Rules: [{ Name: RULE }] });
    eventBridge.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 });
    eventBridge.on(DeleteRuleCommand).resolves({});
  });

  it("on Delete removes the stage's subscription rules from the bus it names, so the bus can go", async () => {
    const { handler } = await import('../../functions/subscription-rules-cleanup');
    expect(await handler(cfnEvent('Delete'), context)).toEqual({
      PhysicalResourceId: 'plugboard-test-subscription-rules-cleanup',
    });
    expect(eventBridge.commandCalls(ListRulesCommand)[0]!.args[0].input).toMatchObject({
      EventBusName: 'plugboard-test',
      NamePrefix: 'plugboard-test-sub-',
    });
    expect(eventBridge.commandCalls(DeleteRuleCommand).map((c) => c.args[0].input)).toEqual([
      { Name: RULE, EventBusName: 'plugboard-test' },
    ]);
  });

  it('on Create and Update touches nothing and keeps its id (a new id would make CloudFormation delete the old)', async () => {
    const { handler } = await import('../../functions/subscription-rules-cleanup');
    for (const type of ['Create', 'Update'] as const) {
      expect(await handler(cfnEvent(type), context)).toEqual({
        PhysicalResourceId: 'plugboard-test-subscription-rules-cleanup',
      });
    }
    expect(eventBridge.calls()).toHaveLength(0);
  });
});
