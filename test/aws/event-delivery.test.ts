import {
  DeleteRuleCommand,
  EventBridgeClient,
  InvalidEventPatternException,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoDbEventStore } from '../../lib/aws/dynamodb-event-store';
import { createEventDelivery, type DeliveryInput } from '../../lib/aws/event-delivery';
import { EventBridgeBus } from '../../lib/aws/eventbridge-bus';
import { EventBridgeSubscriptionRules } from '../../lib/aws/eventbridge-subscription-rules';
import { LambdaInvoker } from '../../lib/aws/lambda-invoker';
import {
  SecretsManagerCredentialResolver,
  SecretsManagerCredentialStore,
} from '../../lib/aws/secrets-manager-credential-store';
import type { DispatcherDeps } from '../../lib/core/dispatcher/deps';
import { SubscriptionService } from '../../lib/core/events/subscription-service';
import { InstanceService } from '../../lib/core/instances/instance-service';
import type { SubscriptionRecord } from '../../lib/core/ports';
import { PlugboardError } from '../../lib/sdk/errors';
import type { PlatformEvent } from '../../lib/sdk/events';
import { ManifestSchema } from '../../lib/sdk/manifest';
import { type DynaliteTable, startDynaliteTable } from '../fixtures/dynalite-table';

const lambda = mockClient(LambdaClient);
const eventBridge = mockClient(EventBridgeClient);
const region = 'eu-west-1';
const answer = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)) as InvokeCommandOutput['Payload'];

const envelopes = () =>
  lambda
    .commandCalls(InvokeCommand)
    .map((call) => JSON.parse(Buffer.from(call.args[0].input.Payload as Uint8Array).toString()));

const created = (id: string): PlatformEvent => ({
  version: '0',
  id,
  'detail-type': 'Instance Created',
  source: 'plugboard',
  account: '123456789012',
  time: '2030-01-01T00:00:00.000Z',
  region,
  resources: [],
  detail: { instance: 'h1', plugin: 'hooks', version: 1, options: {} },
});

describe('event delivery on AWS (dynalite registry and event store, Lambda and EventBridge mocked)', () => {
  let table: DynaliteTable;
  let store: DynamoDbEventStore;
  let deps: DispatcherDeps;
  /** A cold start of the delivery function. */
  let newDelivery: () => (input: DeliveryInput) => Promise<void>;
  let deliver: ReturnType<typeof newDelivery>;
  const logged: { message: string; fields?: Record<string, unknown> | undefined }[] = [];

  beforeAll(async () => {
    table = await startDynaliteTable();
    const { registry } = table;
    store = table.eventStore;
    const manifest = ManifestSchema.parse({
      slug: 'hooks',
      name: 'Hooks',
      version: '1.0.0',
      apiVersion: 1,
      types: ['lifecycle'],
    });
    await registry.putPlugin({
      slug: 'hooks',
      manifest,
      status: 'loaded',
      updatedAt: new Date().toISOString(),
    });
    await registry.createInstance({
      name: 'h1',
      plugin: 'hooks',
      options: {},
      context: {},
      order: 0,
      credentialsSet: [],
    });
    const secrets = new SecretsManagerClient({ region });
    deps = {
      registry,
      credentials: new SecretsManagerCredentialStore({ client: secrets }),
      invoker: new LambdaInvoker({ client: new LambdaClient({ region }), stage: 'test' }),
      bus: new EventBridgeBus({ client: new EventBridgeClient({ region }), busName: 'plugboard-test' }),
      authenticate: () => undefined as never,
      stage: 'test',
      origin: { account: '123456789012', region },
      log: (_level, message, fields) => logged.push({ message, fields }),
    };
    newDelivery = () =>
      createEventDelivery({
        deps,
        store,
        webhookSecrets: new SecretsManagerCredentialResolver({ client: secrets }),
        sleep: async () => {},
      });
    deliver = newDelivery();
  });
  afterAll(() => table.close());
  beforeEach(() => {
    logged.length = 0;
    lambda.reset();
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0 });
  });

  it("logs the event and runs the plugin's lifecycle hook in its own function", async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: answer({ ok: true, result: null }) });
    await deliver(created('evt-1'));
    const calls = lambda.commandCalls(InvokeCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input.FunctionName).toBe('plugboard-test-hooks');
    expect(envelopes()[0]).toMatchObject({
      kind: 'lifecycle',
      plugin: 'hooks',
      instance: 'h1',
      name: 'onInstanceCreated',
    });
    const logged = await store.listEvents({
      from: '2029-12-31T00:00:00.000Z',
      to: '2030-01-02T00:00:00.000Z',
    });
    expect(logged.items.map((e) => e.id)).toContain('evt-1');
    expect((await store.listPending()).items.map((e) => e.id)).not.toContain('evt-1');
  });

  it('parks a delivery that keeps failing in the dead-letter store after its retries', async () => {
    lambda
      .on(InvokeCommand)
      .resolves({ FunctionError: 'Unhandled', Payload: answer({ errorType: 'Error' }) });
    await deliver(created('evt-2'));
    expect(lambda.commandCalls(InvokeCommand).length).toBeGreaterThan(1);
    const letters = (await store.listDeadLetters()).items;
    expect(letters.map((l) => l.event.id)).toContain('evt-2');
  });
  describe('with subscriptions as rules on the bus', () => {
    const subscription = (id: string): SubscriptionRecord => ({
      id,
      pattern: { source: ['plugboard'] },
      instance: 'h1',
      handler: 'events',
      params: {},
      order: 0,
      createdAt: new Date().toISOString(),
    });

    it("runs only the built-in reactions for the catch-all rule's plain event", async () => {
      // A matching subscription is its own rule's business: the plain event must not reach it.
      await store.putSubscription(subscription('sub-catch-all'));
      lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: answer({ ok: true, result: null }) });
      // Started after the subscription was stored, so nothing stale hides a wrong delivery.
      await newDelivery()(created('evt-3'));
      expect(envelopes().map((e) => e.kind)).toEqual(['lifecycle']);
      await store.deleteSubscription('sub-catch-all');
    });

    it("delivers a subscription rule's event to that subscription alone, read from the store", async () => {
      await store.putSubscription(subscription('sub-one'));
      lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: answer({ ok: true, result: null }) });
      await deliver({ subscriptionId: 'sub-one', event: created('evt-4') });
      const sent = envelopes();
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatchObject({ kind: 'event', instance: 'h1', name: 'events' });
      expect(sent[0].input).toMatchObject({
        subscriptionId: 'sub-one',
        idempotencyKey: 'evt-4:sub-one',
        event: { id: 'evt-4' },
      });
      await store.deleteSubscription('sub-one');
    });

    it('drops, with a log line, a delivery whose subscription was deleted after its rule fired', async () => {
      await deliver({ subscriptionId: 'sub-gone', event: created('evt-5') });
      expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
      expect(logged).toContainEqual({
        message: 'event for a deleted subscription dropped',
        fields: { subscriptionId: 'sub-gone', eventId: 'evt-5' },
      });
      expect((await store.listDeadLetters()).items.map((l) => l.id)).not.toContain('evt-5:sub-gone');
    });

    it("parks a subscription's failing delivery in the dead-letter store under its id", async () => {
      await store.putSubscription(subscription('sub-failing'));
      lambda
        .on(InvokeCommand)
        .resolves({ FunctionError: 'Unhandled', Payload: answer({ errorType: 'Error' }) });
      await deliver({ subscriptionId: 'sub-failing', event: created('evt-6') });
      expect(lambda.commandCalls(InvokeCommand).length).toBeGreaterThan(1);
      expect(await store.getDeadLetter('evt-6:sub-failing')).toMatchObject({
        target: 'sub-failing',
        event: { id: 'evt-6' },
      });
      await store.deleteSubscription('sub-failing');
    });

    it('parks, without invoking, an event 16 deliveries deep in a chain (a subscription looping on its own calls)', async () => {
      await store.putSubscription(subscription('sub-loop'));
      const deep: PlatformEvent = {
        ...created('evt-7'),
        'detail-type': 'Operation Succeeded',
        detail: { instance: 'h1', causedBy: 'evt-0', chainDepth: 16 },
      };
      await deliver({ subscriptionId: 'sub-loop', event: deep });
      expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
      expect(await store.getDeadLetter('evt-7:sub-loop')).toMatchObject({
        target: 'sub-loop',
        attempts: 0,
        reason: expect.stringContaining('16 deliveries in a row'),
      });
      await store.deleteSubscription('sub-loop');
    });
  });

  describe('SubscriptionService writing rules through EventBridge', () => {
    let service: SubscriptionService;
    const RULE = /^plugboard-test-sub-[0-9a-f]{32}$/;
    const storedIds = async () => (await store.listSubscriptions()).items.map((s) => s.id);

    beforeAll(() => {
      const rules = new EventBridgeSubscriptionRules({
        client: new EventBridgeClient({ region }),
        busName: 'plugboard-test',
        stage: 'test',
        deliveryFunctionArn: `arn:aws:lambda:${region}:123456789012:function:delivery`,
        deadLetterQueueArn: `arn:aws:sqs:${region}:123456789012:dlq`,
      });
      service = new SubscriptionService(store, new InstanceService(deps), rules);
    });
    const create = () =>
      service.create({ pattern: { source: ['plugboard.plugin.x'] }, instance: 'h1', handler: 'events' });
    const failure = (work: Promise<unknown>) =>
      work.then(
        () => {
          throw new Error('expected a failure');
        },
        (error: unknown) => error as PlugboardError,
      );

    it('stores the subscription and puts its rule, targeted with its id', async () => {
      eventBridge.on(PutRuleCommand).resolves({});
      eventBridge.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });
      const record = await create();
      expect(await storedIds()).toContain(record.id);
      const [rule] = eventBridge.commandCalls(PutRuleCommand);
      expect(rule!.args[0].input.Name).toMatch(RULE);
      expect(JSON.parse(rule!.args[0].input.EventPattern!)).toEqual({ source: ['plugboard.plugin.x'] });
      const [targets] = eventBridge.commandCalls(PutTargetsCommand);
      expect(targets!.args[0].input.Targets![0]!.InputTransformer!.InputTemplate).toContain(
        `"subscriptionId":"${record.id}"`,
      );
      await store.deleteSubscription(record.id);
    });

    it('leaves nothing stored and answers Unavailable when the rule cannot be written', async () => {
      eventBridge.on(PutRuleCommand).resolves({});
      eventBridge.on(PutTargetsCommand).rejects(new Error('socket hang up'));
      eventBridge.on(DeleteRuleCommand).resolves({});
      const before = await storedIds();
      const error = await failure(create());
      expect(error).toBeInstanceOf(PlugboardError);
      expect(error.code).toBe('Unavailable');
      expect(error.message).toMatch(/rule on the event bus could not be created.*nothing was saved/);
      expect(await storedIds()).toEqual(before);
      expect(eventBridge.commandCalls(DeleteRuleCommand)).toHaveLength(1);
    });

    it('passes on, with nothing stored, a pattern EventBridge refuses', async () => {
      eventBridge
        .on(PutRuleCommand)
        .rejects(new InvalidEventPatternException({ message: 'Event pattern is not valid', $metadata: {} }));
      const before = await storedIds();
      const error = await failure(create());
      expect(error.code).toBe('Validation');
      expect(error.errors?.map((e) => e.pointer)).toEqual(['/pattern']);
      expect(await storedIds()).toEqual(before);
    });

    it('removes the rule before forgetting the subscription', async () => {
      eventBridge.on(PutRuleCommand).resolves({});
      eventBridge.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });
      eventBridge.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 });
      eventBridge.on(DeleteRuleCommand).resolves({});
      const record = await create();
      await service.delete(record.id);
      expect(await storedIds()).not.toContain(record.id);
      expect(eventBridge.commandCalls(DeleteRuleCommand)[0]!.args[0].input.Name).toBe(
        eventBridge.commandCalls(PutRuleCommand)[0]!.args[0].input.Name,
      );
    });

    it('keeps the subscription when its rule cannot be removed, so deleting again finishes the job', async () => {
      eventBridge.on(PutRuleCommand).resolves({});
      eventBridge.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });
      eventBridge
        .on(RemoveTargetsCommand)
        .rejectsOnce(new Error('throttled'))
        .resolves({ FailedEntryCount: 0 });
      eventBridge.on(DeleteRuleCommand).resolves({});
      const record = await create();
      const error = await failure(service.delete(record.id));
      expect(error.code).toBe('Unavailable');
      expect(await storedIds()).toContain(record.id);
      await service.delete(record.id);
      expect(await storedIds()).not.toContain(record.id);
    });

    it('answers NotFound for an unknown subscription without touching the bus', async () => {
      expect((await failure(service.delete('no-such-subscription'))).code).toBe('NotFound');
      expect(eventBridge.commandCalls(RemoveTargetsCommand)).toHaveLength(0);
    });
  });
});
