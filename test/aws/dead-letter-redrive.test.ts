import { randomUUID } from 'node:crypto';
import {
  DeleteRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import type { Context, SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoDbEventStore } from '../../lib/aws/dynamodb-event-store';
import { readEnvironment } from '../../lib/aws/environment';
import { createEventDelivery } from '../../lib/aws/event-delivery';
import { awsEventsProps } from '../../lib/aws/events-props';
import { eventBusName, subscriptionRuleName } from '../../lib/aws/names';
import { awsDispatcherDeps } from '../../lib/aws/platform-deps';
import { DEAD_LETTER_ID, notDeadLetterId } from '../../lib/core/events/dead-letter-id';
import type { DeadLetter } from '../../lib/core/ports';
import { LOCAL_STAGE } from '../../lib/local/platform';
import type { PlatformEvent } from '../../lib/sdk/events';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';
import { dispatcherCall } from '../fixtures/apigw/dispatcher-call';
import { batch, deadLetterRecord, eventOf } from '../fixtures/dead-letter-queue/records';
import { type DynaliteTable, functionSettings, startDynaliteTable } from '../fixtures/dynalite-table';

const eventBridge = mockClient(EventBridgeClient);
const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
/** The local platform's Lambda endpoint serves the plugin functions of its own stage. */
const STAGE = LOCAL_STAGE;
const BUS = eventBusName(STAGE);
const context = {
  functionName: 'function',
  awsRequestId: 'lambda-request',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

/**
 * A letter from the stage's dead-letter queue through both functions as deployed: the dead-letter
 * intake's and the dispatcher's modules with their settings, the registry on dynalite, the plugin
 * functions behind the local platform's Lambda endpoint (AWS_ENDPOINT_URL_LAMBDA), EventBridge mocked.
 */
describe('a dead letter taken in from the queue and redriven through the dispatcher function', () => {
  let pb: TestPlatform;
  let table: DynaliteTable;
  let intake: typeof import('../../functions/dead-letter-intake')['handler'];
  let dispatcher: typeof import('../../functions/dispatcher')['handler'];
  const saved = { ...process.env };

  beforeAll(async () => {
    [pb, table] = await Promise.all([startTestPlatform(), startDynaliteTable()]);
    Object.assign(process.env, functionSettings(table), {
      PLUGBOARD_STAGE: STAGE,
      PLUGBOARD_BUS_NAME: BUS,
      PLUGBOARD_DELIVERY_FUNCTION_ARN: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:delivery`,
      PLUGBOARD_DEAD_LETTER_QUEUE_ARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:dead-letters`,
      AWS_ENDPOINT_URL_LAMBDA: pb.platform.url,
    });
    // What the deploy's registry sync writes: the plugin its function serves.
    const auditLog = await pb.platform.registry.getPlugin('audit-log');
    await table.registry.putPlugin(auditLog!);
    intake = (await import('../../functions/dead-letter-intake')).handler;
    dispatcher = (await import('../../functions/dispatcher')).handler;
  });
  afterAll(async () => {
    process.env = saved;
    await Promise.all([pb?.close(), table?.close()]);
  });
  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).callsFake(({ Entries }: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: Entries.map(() => ({ EventId: randomUUID() })),
    }));
    eventBridge.on(PutRuleCommand).resolves({});
    eventBridge.on(PutTargetsCommand).resolves({ FailedEntryCount: 0 });
    eventBridge.on(RemoveTargetsCommand).resolves({ FailedEntryCount: 0 });
    eventBridge.on(DeleteRuleCommand).resolves({});
  });

  const call = (method: string, path: string, body?: unknown) =>
    dispatcherCall(dispatcher, context)(method, path, body);
  const letter = (id: string): Promise<DeadLetter | undefined> => table.eventStore.getDeadLetter(id);

  /** A new audit-log instance, which records what reaches it in its store. */
  const auditLog = async (options: Record<string, unknown> = {}): Promise<string> => {
    const name = `audit-${randomUUID().slice(0, 8)}`;
    expect((await call('POST', '/v1/instances', { name, plugin: 'audit-log', options })).status).toBe(201);
    return name;
  };
  /** What the instance's plugin function recorded under a prefix of its store: key and value. */
  const recorded = async (name: string, prefix: string) => {
    const { generation } = (await table.registry.getInstance(name))!;
    const owner = { plugin: 'audit-log', name, generation };
    const page = await pb.platform.registry.storeList(owner, { prefix });
    return page.items.map(({ key, value }) => ({ key, value }));
  };
  const subscribe = async (instance: string, pattern: Record<string, unknown>): Promise<string> => {
    const created = await call('POST', '/v1/subscriptions', { pattern, instance, handler: 'events' });
    expect(created.status).toBe(201);
    return created.body.id;
  };

  /** Events the dispatcher function published, as EventBridge hands them on: with ids of its own. */
  const published = (detailType: string): PlatformEvent[] =>
    eventBridge
      .commandCalls(PutEventsCommand)
      .flatMap((c) => c.args[0].input.Entries ?? [])
      .filter((entry: PutEventsRequestEntry) => entry.DetailType === detailType)
      .map((entry) => ({
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType!,
        source: entry.Source!,
        account: ACCOUNT,
        time: new Date().toISOString(),
        region: REGION,
        resources: entry.Resources ?? [],
        detail: JSON.parse(entry.Detail!),
      }));
  const counterChanged = (): PlatformEvent => ({
    ...eventOf(deadLetterRecord('eventbridge-subscription-rule')),
    id: randomUUID(),
  });

  /** EventBridge's dead letter of a subscription's rule (the rule the dispatcher wrote for it). */
  const ruleDeadLetter = (subscription: string, event: PlatformEvent): SQSRecord => {
    const record = deadLetterRecord('eventbridge-subscription-rule');
    const rule = `arn:aws:events:${REGION}:${ACCOUNT}:rule/${BUS}/${subscriptionRuleName(STAGE, subscription)}`;
    return {
      ...record,
      body: JSON.stringify(event),
      messageAttributes: { ...record.messageAttributes, RULE_ARN: { stringValue: rule, dataType: 'String' } },
    };
  };
  /** EventBridge's dead letter of the stack's catch-all rule. */
  const catchAllDeadLetter = (event: PlatformEvent): SQSRecord => ({
    ...deadLetterRecord('eventbridge-catch-all-rule'),
    body: JSON.stringify(event),
  });
  /** The delivery function's failed invocation, as its on-failure destination queues it. */
  const failedInvocation = (payload: unknown): SQSRecord => {
    const record = deadLetterRecord('lambda-on-failure-catch-all');
    return { ...record, body: JSON.stringify({ ...JSON.parse(record.body), requestPayload: payload }) };
  };
  const takeIn = async (record: SQSRecord) =>
    expect(await intake(batch(record), context)).toEqual({ batchItemFailures: [] });
  const redrive = async (id: string) =>
    expect(await call('POST', '/v1/dlq/redrive', { ids: [id] })).toEqual({
      status: 202,
      body: { redriving: 1, notRedriven: [] },
    });

  describe("a subscription's letter", () => {
    it('is delivered to its plugin with the original event and the key <event id>:<subscription id>, then gone', async () => {
      const audit = await auditLog();
      const subscription = await subscribe(audit, { source: ['plugboard.plugin.incrementer'] });
      const event = counterChanged();
      await takeIn(ruleDeadLetter(subscription, event));
      const id = `${event.id}:${subscription}`;
      const listed = await call('GET', '/v1/dlq');
      expect(listed.body.deadLetters.map((l: DeadLetter) => l.id)).toContain(id);

      await redrive(id);
      expect(await recorded(audit, 'event/')).toEqual([
        {
          key: `event/${id}`,
          value: {
            id: event.id,
            source: event.source,
            detailType: event['detail-type'],
            detail: event.detail,
            // EventBridge's 186 attempts, then the redrive's first.
            attempt: 187,
            at: expect.any(Number),
          },
        },
      ]);
      expect(await letter(id)).toBeUndefined();
    });

    it('stays when the plugin fails again, its attempts counted on and the new reason given', async () => {
      const audit = await auditLog({ reject: true });
      const subscription = await subscribe(audit, { source: ['plugboard.plugin.incrementer'] });
      const event = counterChanged();
      await takeIn(failedInvocation({ subscriptionId: subscription, event }));
      const id = `${event.id}:${subscription}`;
      const before = await letter(id);
      expect(before).toMatchObject({ attempts: 3, reason: expect.stringContaining('Sandbox.Timedout') });

      await redrive(id);
      const after = await letter(id);
      expect(after).toEqual({
        ...before,
        attempts: 6,
        reason: 'Unavailable: audit-log is set to reject events',
        failedAt: expect.any(String),
      });
      expect(after!.failedAt > before!.failedAt).toBe(true);
      expect(await recorded(audit, 'event/')).toEqual([]);
    });

    it('is dropped by the redrive, delivered to no one and named in its answer, when its subscription was deleted meanwhile', async () => {
      const audit = await auditLog();
      const subscription = await subscribe(audit, { source: ['plugboard.plugin.incrementer'] });
      const event = counterChanged();
      await takeIn(ruleDeadLetter(subscription, event));
      expect((await call('DELETE', `/v1/subscriptions/${subscription}`)).status).toBe(204);
      const id = `${event.id}:${subscription}`;

      expect(await call('POST', '/v1/dlq/redrive', { ids: [id] })).toEqual({
        status: 202,
        body: {
          redriving: 0,
          notRedriven: [
            { id, reason: `subscription ${subscription} has been deleted: the letter is dropped` },
          ],
        },
      });
      expect(await letter(id)).toBeUndefined();
      expect(await recorded(audit, 'event/')).toEqual([]);
    });
  });

  const platforms = {
    local: {
      call: (method: string, path: string, body?: unknown) => pb.call(method, path, body),
      store: () => pb.platform.eventStore,
    },
    aws: { call, store: () => table.eventStore },
  };
  /** A letter of a target no redrive delivers to (see the redrive's notRedriven). */
  const gone = (target: string): DeadLetter => {
    const event = counterChanged();
    return {
      id: `${event.id}:${target}`,
      event,
      target,
      attempts: 3,
      reason: 'Unavailable: the plugin was down',
      failedAt: new Date().toISOString(),
    };
  };

  describe('a letter whose target is gone, the same on both platforms', () => {
    for (const [name, platform] of Object.entries(platforms)) {
      it(`is named in the redrive's answer with the reason (${name}): dropped for a deleted subscription, kept for any other target`, async () => {
        const store = platform.store();
        const deleted = gone(randomUUID());
        // A built-in reaction a later release renamed, or one that takes no such event.
        const renamed = gone('renamed-reaction');
        const unapplied = gone('lifecycle');
        for (const l of [deleted, renamed, unapplied]) await store.putDeadLetter(l);

        const answer = await platform.call('POST', '/v1/dlq/redrive', {
          ids: [deleted.id, renamed.id, unapplied.id],
        });
        const kept = (target: string) =>
          `no target "${target}" takes this event (no subscription has that id, and no reaction of the platform's applies to the event): the letter is kept; DELETE /v1/dlq/{id} removes it`;
        expect({ status: answer.status, body: answer.body }).toEqual({
          status: 202,
          body: {
            redriving: 0,
            notRedriven: [
              {
                id: deleted.id,
                reason: `subscription ${deleted.target} has been deleted: the letter is dropped`,
              },
              { id: renamed.id, reason: kept('renamed-reaction') },
              { id: unapplied.id, reason: kept('lifecycle') },
            ],
          },
        });
        expect(await store.getDeadLetter(deleted.id)).toBeUndefined();
        expect(await store.getDeadLetter(renamed.id)).toEqual(renamed);
        expect(await store.getDeadLetter(unapplied.id)).toEqual(unapplied);
        // What the reason says to do with a letter no one will deliver.
        expect((await platform.call('DELETE', `/v1/dlq/${renamed.id}`)).status).toBe(204);
        expect(await store.getDeadLetter(renamed.id)).toBeUndefined();
      });
    }
  });

  describe('a letter an operator deletes, the same on both platforms', () => {
    const printable = fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code));
    /** `<event id>:<target>` as the platform writes them: any event id, a target without a `:`. */
    const wellFormed = fc
      .tuple(
        fc.string({ unit: printable, minLength: 1, maxLength: 128 }),
        fc.string({ unit: printable.filter((c) => c !== ':'), minLength: 1, maxLength: 127 }),
      )
      .map(([event, target]) => `${event}:${target}`);
    // "", "." and ".." name no letter's path: a client resolves the dots, and the route wants an id.
    const anyText = fc.string({ unit: 'grapheme', maxLength: 300 }).filter((id) => !/^\.{0,2}$/.test(id));

    // The dispatcher function's side, where the redrive can be held at will: parked-events.test.ts.
    it('is not written back by a redrive that was delivering it and failed again, and no error is logged (local)', async () => {
      const name = `grumpy-${randomUUID().slice(0, 8)}`;
      await pb.createInstance(name, 'audit-log', { reject: true });
      const subscription = await pb.call('POST', '/v1/subscriptions', {
        pattern: { source: ['redrive.deleted'] },
        instance: name,
        handler: 'events',
      });
      const letter = gone(subscription.body.id);
      await pb.platform.eventStore.putDeadLetter(letter);

      const redrive = await pb.call('POST', '/v1/dlq/redrive', { ids: [letter.id] });
      expect(redrive.body).toEqual({ redriving: 1, notRedriven: [] });
      // Its first attempt fails at once; the last comes after the backoff's 1 + 2 seconds.
      expect((await pb.call('DELETE', `/v1/dlq/${letter.id}`)).status).toBe(204);
      await pb.platform.events.router.idle();
      expect(await pb.platform.eventStore.getDeadLetter(letter.id)).toBeUndefined();
      const logged = pb.logLines.map((line) => JSON.parse(line));
      expect(logged).toContainEqual(
        expect.objectContaining({
          level: 'info',
          message: 'dead letter deleted during its redrive: not written back',
          id: letter.id,
        }),
      );
      expect(logged.filter((line) => line.level === 'error')).toEqual([]);
      expect((await pb.call('DELETE', `/v1/subscriptions/${subscription.body.id}`)).status).toBe(204);
    });

    for (const [name, platform] of Object.entries(platforms)) {
      it(`is removed, its ":" as it is or encoded, and is unknown after (${name})`, async () => {
        const store = platform.store();
        const plain = gone('renamed-reaction');
        const encoded = gone(randomUUID());
        for (const l of [plain, encoded]) await store.putDeadLetter(l);

        const removed = await platform.call('DELETE', `/v1/dlq/${plain.id}`);
        expect({ status: removed.status, body: removed.body }).toEqual({ status: 204, body: undefined });
        expect((await platform.call('DELETE', `/v1/dlq/${encodeURIComponent(encoded.id)}`)).status).toBe(204);
        expect(await store.getDeadLetter(plain.id)).toBeUndefined();
        expect(await store.getDeadLetter(encoded.id)).toBeUndefined();
        const listed = (await platform.call('GET', '/v1/dlq?limit=1000')).body.deadLetters;
        expect(listed.map((l: DeadLetter) => l.id)).not.toContain(plain.id);

        const again = await platform.call('DELETE', `/v1/dlq/${plain.id}`);
        expect({ status: again.status, body: again.body }).toMatchObject({
          status: 404,
          body: { code: 'NotFound', detail: `no dead letter "${plain.id}"` },
        });
        expect((await platform.call('POST', '/v1/dlq/redrive', { ids: [encoded.id] })).body).toMatchObject({
          code: 'NotFound',
          detail: `no dead letter "${encoded.id}"`,
        });
      });

      it(`answers any id, deleted or redriven, with a 404 naming it, or a 400 naming it when it is not <event id>:<target>, never a 500 (${name})`, async () => {
        await fc.assert(
          fc.asyncProperty(fc.oneof(wellFormed, anyText), async (id) => {
            const answer = await platform.call('DELETE', `/v1/dlq/${encodeURIComponent(id)}`);
            // A redrive that names it is held to the same rule, at its place in the list.
            const redriven = await platform.call('POST', '/v1/dlq/redrive', { ids: [id] });
            if (DEAD_LETTER_ID.test(id))
              for (const { status, body } of [answer, redriven])
                expect({ status, body }).toMatchObject({
                  status: 404,
                  body: { code: 'NotFound', detail: `no dead letter "${id}"` },
                });
            else
              for (const [{ status, body }, pointer] of [
                [answer, '/path/id'],
                [redriven, '/ids/0'],
              ] as const)
                expect({ status, body }).toMatchObject({
                  status: 400,
                  body: { code: 'Validation', errors: [{ pointer, detail: notDeadLetterId(id) }] },
                });
          }),
          { numRuns: 60 },
        );
      });
    }
  });

  describe("the catch-all rule's letter", () => {
    it('runs the lifecycle hook of an Instance event, and nothing else', async () => {
      const audit = await auditLog();
      // A subscription the event matches is its own rule's business, not the catch-all's letter's.
      await subscribe(audit, { source: ['plugboard'], 'detail-type': ['Instance Created'] });
      const created = published('Instance Created').find((e) => e.detail.instance === audit)!;
      await takeIn(catchAllDeadLetter(created));
      const id = `${created.id}:lifecycle`;

      await redrive(id);
      expect(await recorded(audit, 'lifecycle/')).toEqual([
        { key: 'lifecycle/created', value: created.detail },
      ]);
      expect(await recorded(audit, 'event/')).toEqual([]);
      expect(await letter(id)).toBeUndefined();
    });

    it("runs the webhook rules of a Webhook Received event's delivery, and nothing else", async () => {
      const audit = await auditLog();
      const source = `src-${randomUUID().slice(0, 8)}`;
      const now = new Date().toISOString();
      // As PUT /v1/webhook-sources stores it, whose secret would go to Secrets Manager, not stood in for here.
      await table.eventStore.putWebhookSource({
        name: source,
        signatureHeader: 'x-hub-signature-256',
        signatureScheme: 'sha256',
        deliveryIdHeader: 'x-delivery-id',
        createdAt: now,
      });
      const rule = await call('POST', `/v1/webhook-sources/${source}/rules`, {
        handler: 'audit-log#record',
        actionConfig: { label: 'pushes' },
      });
      expect(rule.status).toBe(201);
      // What the webhook receiver function records before it publishes Webhook Received.
      const deliveryId = randomUUID();
      await table.eventStore.recordWebhookDelivery({
        source,
        deliveryId,
        receivedAt: now,
        headers: {},
        payload: { ref: 'main' },
        status: 'received',
        outcomes: [],
      });
      const received: PlatformEvent = {
        ...eventOf(deadLetterRecord('lambda-on-failure-catch-all')),
        id: randomUUID(),
        detail: { source, deliveryId },
      };
      await takeIn(failedInvocation(received));
      const id = `${received.id}:webhooks`;

      await redrive(id);
      expect(await recorded(audit, 'webhook/')).toEqual([
        { key: `webhook/${deliveryId}`, value: { label: 'pushes', payload: { ref: 'main' } } },
      ]);
      expect(await recorded(audit, 'lifecycle/')).toEqual([]);
      const [delivery] = (await call('GET', `/v1/webhooks/${source}/deliveries`)).body.deliveries;
      expect(delivery).toMatchObject({ deliveryId, status: 'processed' });
      expect(delivery.outcomes).toContainEqual({ rule: rule.body.id, instance: audit, outcome: 'succeeded' });
      expect(await letter(id)).toBeUndefined();
    });
  });

  describe('the delivery function', () => {
    /** The registry's event store, throttled once it has logged an event: every later call fails. */
    const throttledOnceLogged = (): DynamoDbEventStore => {
      let logged = false;
      return new Proxy(table.eventStore, {
        get(store, name) {
          const member = Reflect.get(store, name);
          if (typeof member !== 'function') return member;
          return async (...args: unknown[]) => {
            if (logged) throw new Error('ProvisionedThroughputExceededException');
            const result = await member.apply(store, args);
            logged ||= name === 'appendEvent';
            return result;
          };
        },
      });
    };

    it("does nothing past an event's built-in reactions that could fail it into the queue, whose letter would run them again", async () => {
      const audit = await auditLog();
      const created = published('Instance Created').find((e) => e.detail.instance === audit)!;
      const env = readEnvironment();
      const deliver = createEventDelivery({
        deps: awsDispatcherDeps(env, () => undefined),
        ...awsEventsProps(env),
        store: throttledOnceLogged(),
      });
      // A failure here would have Lambda run the hook twice more, then queue a letter naming it.
      await deliver(created);
      expect(await recorded(audit, 'lifecycle/')).toEqual([
        { key: 'lifecycle/created', value: created.detail },
      ]);
      const log = await table.eventStore.listEvents({
        from: '2000-01-01T00:00:00Z',
        to: '2100-01-01T00:00:00Z',
      });
      expect(log.items.map((e) => e.id)).toContain(created.id);
      // Logged complete: nothing on AWS recovers a pending event; the queue keeps what failed.
      expect((await table.eventStore.listPending()).items.map((e) => e.id)).not.toContain(created.id);
    });
  });
});
