import type { Context, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createDeadLetterIntake } from '../../lib/aws/dead-letter-intake';
import type { DynamoDbEventStore } from '../../lib/aws/dynamodb-event-store';
import type { DeadLetter } from '../../lib/core/ports';
import { batch, deadLetterRecord, eventOf } from '../fixtures/dead-letter-queue/records';
import { type DynaliteTable, functionSettings, startDynaliteTable } from '../fixtures/dynalite-table';
import { watchEmf } from '../fixtures/emf-lines';

const STAGE = 'test';
const SUBSCRIPTION = '0f8fad5b-d9cb-469f-a165-70867728950e';
const COUNTER_EVENT = '6a7e8feb-b491-4cf7-a9f1-bf3703467718';

describe('the dead-letter intake on dynalite (SQS messages of the DLQ into the registry)', () => {
  let table: DynaliteTable;
  let store: DynamoDbEventStore;
  let intake: ReturnType<typeof createDeadLetterIntake>;
  const logged: { level: string; message: string; fields?: Record<string, unknown> | undefined }[] = [];

  const letters = async (): Promise<DeadLetter[]> => (await store.listDeadLetters({ limit: 100 })).items;
  const logIds = async () =>
    (
      await store.listEvents({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' }, { limit: 100 })
    ).items.map((e) => e.id);

  // A fresh in-memory table for each case: each starts with no letters and an empty log.
  beforeEach(async () => {
    table = await startDynaliteTable();
    store = table.eventStore;
    logged.length = 0;
    intake = createDeadLetterIntake({
      store,
      stage: STAGE,
      log: (level, message, fields) => logged.push({ level, message, fields }),
    });
  });
  afterEach(() => table.close());

  it("turns a subscription rule's dead letter into the router's letter for that subscription", async () => {
    const record = deadLetterRecord('eventbridge-subscription-rule');
    expect(await intake(batch(record))).toEqual({ batchItemFailures: [] });
    expect(await letters()).toEqual([
      {
        id: `${COUNTER_EVENT}:${SUBSCRIPTION}`,
        event: eventOf(record),
        target: SUBSCRIPTION,
        // RETRY_ATTEMPTS counts the retries after the first attempt.
        attempts: 186,
        reason:
          'EventBridge could not invoke the delivery function (MaximumRetryAttempts reached): SDK_CLIENT_ERROR: Rate Exceeded. (Service: AWSLambda; Status Code: 429; Error Code: TooManyRequestsException)',
        failedAt: new Date(1772446530123).toISOString(),
      },
    ]);
    // A subscription's letter is all there is: the catch-all rule logs the event on its own.
    expect(await logIds()).toEqual([]);
  });

  it("turns the delivery function's failed invocation for a subscription into the same letter, once", async () => {
    const record = deadLetterRecord('lambda-on-failure-subscription');
    expect(await intake(batch(record))).toEqual({ batchItemFailures: [] });
    expect(await letters()).toEqual([
      {
        id: `${COUNTER_EVENT}:${SUBSCRIPTION}`,
        event: eventOf(record),
        target: SUBSCRIPTION,
        attempts: 3,
        reason:
          'the delivery function failed (RetriesExhausted): ProvisionedThroughputExceededException: The level of configured provisioned throughput for the table was exceeded.',
        failedAt: new Date(1772453101200).toISOString(),
      },
    ]);
    // The same event for the same subscription from the rule's DLQ, and SQS delivering a message
    // twice, leave one letter.
    await intake(batch(deadLetterRecord('eventbridge-subscription-rule'), record));
    expect((await letters()).map((l) => l.id)).toEqual([`${COUNTER_EVENT}:${SUBSCRIPTION}`]);
  });

  it('turns a catch-all dead letter into letters for the built-in reactions redrive takes, and logs the event', async () => {
    const created = deadLetterRecord('eventbridge-catch-all-rule');
    const webhook = deadLetterRecord('lambda-on-failure-catch-all');
    expect(await intake(batch(created, webhook))).toEqual({ batchItemFailures: [] });
    const byId = Object.fromEntries((await letters()).map((l) => [l.id, l]));
    expect(Object.keys(byId).sort()).toEqual([
      '3f1c2b7a-95d4-4e0c-8a3b-2d6e9f1a7c55:lifecycle',
      'b7c8d9e0-1f2a-4b3c-8d4e-5f6a7b8c9d0e:webhooks',
    ]);
    expect(byId['3f1c2b7a-95d4-4e0c-8a3b-2d6e9f1a7c55:lifecycle']).toEqual({
      id: '3f1c2b7a-95d4-4e0c-8a3b-2d6e9f1a7c55:lifecycle',
      event: eventOf(created),
      target: 'lifecycle',
      // A missing permission is not retried.
      attempts: 1,
      reason:
        'EventBridge could not invoke the delivery function: NO_PERMISSIONS: User: arn:aws:sts::123456789012:assumed-role/events/x is not authorized to perform: lambda:InvokeFunction',
      failedAt: new Date(1772449200500).toISOString(),
    });
    expect(byId['b7c8d9e0-1f2a-4b3c-8d4e-5f6a7b8c9d0e:webhooks']).toMatchObject({
      target: 'webhooks',
      attempts: 3,
      reason: expect.stringContaining('Sandbox.Timedout'),
    });
    expect((await logIds()).sort()).toEqual([
      '3f1c2b7a-95d4-4e0c-8a3b-2d6e9f1a7c55',
      'b7c8d9e0-1f2a-4b3c-8d4e-5f6a7b8c9d0e',
    ]);
    // Logged, not left pending: nothing on AWS would ever complete it.
    expect((await store.listPending()).items).toEqual([]);
  });

  it('logs a catch-all event no built-in reaction applies to, and writes no letter redrive could not take', async () => {
    const record = deadLetterRecord('eventbridge-catch-all-rule');
    const event = {
      ...eventOf(record),
      source: 'plugboard.plugin.incrementer',
      'detail-type': 'Counter Changed',
    };
    expect(await intake(batch({ ...record, body: JSON.stringify(event) }))).toEqual({
      batchItemFailures: [],
    });
    expect(await letters()).toEqual([]);
    expect(await logIds()).toEqual([event.id]);
  });

  it('reads a body in the transformed shape { subscriptionId, event } when it matches the rule', async () => {
    const record = deadLetterRecord('eventbridge-subscription-rule');
    const body = JSON.stringify({ subscriptionId: SUBSCRIPTION, event: eventOf(record) });
    expect(await intake(batch({ ...record, body }))).toEqual({ batchItemFailures: [] });
    expect((await letters()).map((l) => l.id)).toEqual([`${COUNTER_EVENT}:${SUBSCRIPTION}`]);
  });

  it('keeps every message it cannot read in the queue (batch item failure), says why, and writes nothing', async () => {
    const rule = deadLetterRecord('eventbridge-subscription-rule');
    const lambda = deadLetterRecord('lambda-on-failure-subscription');
    const withAttribute = (name: string, stringValue: string): SQSRecord => ({
      ...rule,
      messageAttributes: { ...rule.messageAttributes, [name]: { stringValue, dataType: 'String' } },
    });
    const lambdaBody = JSON.parse(lambda.body);
    const unreadable: [string, SQSRecord][] = [
      ['not json', { ...rule, messageId: 'm1', body: '{"version":"0",' }],
      ['no event', { ...rule, messageId: 'm2', body: JSON.stringify({ hello: 'world' }) }],
      [
        'neither kind',
        { ...lambda, messageId: 'm3', body: JSON.stringify({ version: '1.0', timestamp: 'x' }) },
      ],
      [
        'payload not an event',
        {
          ...lambda,
          messageId: 'm4',
          body: JSON.stringify({ ...lambdaBody, requestPayload: { subscriptionId: SUBSCRIPTION } }),
        },
      ],
      [
        'rule names no subscription id',
        {
          ...withAttribute(
            'RULE_ARN',
            'arn:aws:events:eu-west-1:123456789012:rule/plugboard-test/plugboard-test-sub-xyz',
          ),
          messageId: 'm5',
        },
      ],
      [
        'body and rule disagree',
        {
          ...rule,
          messageId: 'm6',
          body: JSON.stringify({ subscriptionId: crypto.randomUUID(), event: eventOf(rule) }),
        },
      ],
      [
        'no SentTimestamp',
        { ...rule, messageId: 'm7', attributes: { ...rule.attributes, SentTimestamp: '' } },
      ],
    ];
    const good = deadLetterRecord('eventbridge-catch-all-rule');
    const answer = await intake(batch(...unreadable.map(([, record]) => record), good));
    expect(answer.batchItemFailures).toEqual(unreadable.map(([, r]) => ({ itemIdentifier: r.messageId })));
    // Only the readable message of the batch was taken in.
    expect((await letters()).map((l) => l.target)).toEqual(['lifecycle']);
    expect(await logIds()).toEqual([eventOf(good).id]);
    const kept = logged.filter((l) => l.level === 'error');
    expect(kept.map((l) => l.fields?.messageId)).toEqual(unreadable.map(([, r]) => r.messageId));
    for (const entry of kept) expect(entry.fields?.reason).toEqual(expect.any(String));
  });

  it('keeps a message whose letter could not be written, to try again on the next receive', async () => {
    const failing = createDeadLetterIntake({
      store: {
        appendEvent: (event, options) => store.appendEvent(event, options),
        putDeadLetter: async () => {
          throw new Error('ProvisionedThroughputExceededException');
        },
      },
      stage: STAGE,
      log: (level, message, fields) => logged.push({ level, message, fields }),
    });
    const record = deadLetterRecord('eventbridge-subscription-rule');
    expect(await failing(batch(record))).toEqual({
      batchItemFailures: [{ itemIdentifier: record.messageId }],
    });
    expect(logged.at(-1)).toMatchObject({
      level: 'warn',
      fields: { messageId: record.messageId, reason: 'ProvisionedThroughputExceededException' },
    });
  });
});

describe('functions/dead-letter-intake.ts', () => {
  const saved = { ...process.env };
  let table: DynaliteTable;

  beforeAll(async () => {
    table = await startDynaliteTable();
    Object.assign(process.env, functionSettings(table), { PLUGBOARD_BUS_NAME: 'plugboard-test' });
  });
  afterAll(async () => {
    process.env = saved;
    await table.close();
  });

  it('takes a batch in through the registry table its settings name and reports what it kept', async () => {
    const { handler } = await import('../../functions/dead-letter-intake');
    const context = {
      functionName: 'dead-letter-intake',
      awsRequestId: 'req-1',
      getRemainingTimeInMillis: () => 10_000,
    } as unknown as Context;
    const good = deadLetterRecord('lambda-on-failure-subscription');
    const bad = { ...good, messageId: 'bad', body: 'not json' };
    const emf = watchEmf();
    try {
      expect(await handler(batch(good, bad), context)).toEqual({
        batchItemFailures: [{ itemIdentifier: 'bad' }],
      });
    } finally {
      emf.restore();
    }
    const letter = await table.eventStore.getDeadLetter(`${COUNTER_EVENT}:${SUBSCRIPTION}`);
    expect(letter?.target).toBe(SUBSCRIPTION);
    // The letter it wrote is counted for the platform's alarm; the message it could not read is not.
    expect(
      emf.documents().map(({ DeadLetters, deadLetter, stage }) => ({ DeadLetters, deadLetter, stage })),
    ).toEqual([{ DeadLetters: 1, deadLetter: `${COUNTER_EVENT}:${SUBSCRIPTION}`, stage: 'test' }]);
  });
});
