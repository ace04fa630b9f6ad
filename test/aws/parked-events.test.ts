import {
  EventBridgeClient,
  EventBridgeServiceException,
  PutEventsCommand,
} from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ANSWER_MARGIN_MS,
  apiGatewayAuthenticator,
  apiGatewayRequestId,
} from '../../lib/aws/api-gateway-auth';
import type { DynamoDbEventStore } from '../../lib/aws/dynamodb-event-store';
import type { DynamoDbRegistry } from '../../lib/aws/dynamodb-registry';
import { EventBridgeBus } from '../../lib/aws/eventbridge-bus';
import { createLambdaDispatcher } from '../../lib/aws/lambda-dispatcher';
import { LambdaInvoker } from '../../lib/aws/lambda-invoker';
import {
  SecretsManagerCredentialResolver,
  SecretsManagerCredentialStore,
} from '../../lib/aws/secrets-manager-credential-store';
import type { DispatcherDeps } from '../../lib/core/dispatcher/deps';
import type { EventRouter } from '../../lib/core/events/event-router';
import { entrySize } from '../../lib/core/events/event-schema';
import { createEventsPlatform } from '../../lib/core/events/events-platform';
import type { DeadLetter } from '../../lib/core/ports';
import { ManifestSchema } from '../../lib/sdk/manifest';
import { httpApiEvent } from '../fixtures/apigw/http-api-event';
import { type DynaliteTable, startDynaliteTable } from '../fixtures/dynalite-table';

const eventBridge = mockClient(EventBridgeClient);
const region = 'eu-west-1';
const MAX_REQUEST_BYTES = 256 * 1024;

/**
 * The dispatcher function as deployed (its app over the DynamoDB registry and event store, the
 * EventBridge bus, the parking bus, a redrive settled before the answer), with EventBridge mocked.
 */
describe("the dispatcher function's events the bus refuses (dynalite, EventBridge mocked)", () => {
  let table: DynaliteTable;
  let store: DynamoDbEventStore;
  let registry: DynamoDbRegistry;
  let handler: ReturnType<typeof createLambdaDispatcher>;
  let router: EventRouter;
  const logged: { level: string; message: string; fields?: Record<string, unknown> | undefined }[] = [];

  beforeAll(async () => {
    table = await startDynaliteTable();
    registry = table.registry;
    store = table.eventStore;
    const manifest = ManifestSchema.parse({
      slug: 'notes',
      name: 'Notes',
      version: '1.0.0',
      apiVersion: 1,
      types: ['lifecycle'],
      options: [{ name: 'text', label: 'Text', type: 'string' }],
    });
    await registry.putPlugin({
      slug: 'notes',
      manifest,
      status: 'loaded',
      updatedAt: new Date().toISOString(),
    });
    const secrets = new SecretsManagerClient({ region });
    const deps: DispatcherDeps = {
      registry,
      credentials: new SecretsManagerCredentialStore({ client: secrets }),
      invoker: new LambdaInvoker({ client: new LambdaClient({ region }), stage: 'test' }),
      bus: new EventBridgeBus({
        client: new EventBridgeClient({ region }),
        busName: 'plugboard-test',
        baseDelayMs: 1,
      }),
      authenticate: apiGatewayAuthenticator('iam'),
      requestId: apiGatewayRequestId,
      stage: 'test',
      origin: { account: '123456789012', region },
      log: (level, message, fields) => void logged.push({ level, message, fields }),
    };
    const events = createEventsPlatform(deps, {
      store,
      guards: store,
      webhookSecrets: new SecretsManagerCredentialResolver({ client: secrets }),
      sleep: async () => {},
    });
    router = events.router;
    handler = createLambdaDispatcher(deps, events.dispatcher, () => events.router.mark());
  });
  afterAll(() => table.close());
  beforeEach(async () => {
    eventBridge.reset();
    logged.length = 0;
    // Each test starts from an empty dead-letter queue, whatever one before it left.
    for (const letter of await parked()) await store.deleteDeadLetter(letter.id);
  });

  const call = async (
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    remainingMs = 20_000,
  ) => {
    const event = httpApiEvent({
      method,
      path,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      routeKey: '$default',
    }) as never;
    const context = { getRemainingTimeInMillis: () => remainingMs } as Context;
    const raw = (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
    return { status: raw.statusCode, body: raw.body ? JSON.parse(raw.body) : undefined };
  };
  const parked = async () =>
    ((await store.listDeadLetters()).items ?? []).filter((letter) => letter.target === 'publish');

  it('parks an instance event EventBridge cannot take and publishes it on a redrive', async () => {
    eventBridge.on(PutEventsCommand).rejects(new Error('ServiceUnavailable'));
    expect((await call('POST', '/v1/instances', { name: 'n1', plugin: 'notes' })).status).toBe(201);
    const [letter] = await parked();
    expect(letter?.event['detail-type']).toBe('Instance Created');
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
    expect(await call('POST', '/v1/dlq/redrive', { ids: [letter!.id] })).toEqual({
      status: 202,
      body: { redriving: 1, notRedriven: [] },
    });
    // The function settled the redrive before answering: nothing is left for a frozen sandbox.
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    expect(await parked()).toEqual([]);
  });

  describe('when EventBridge answers that the deployment is broken or the request is not valid', () => {
    // What EventBridge's messages name (the role, the account), which no caller may see.
    const SECRET =
      'User: arn:aws:sts::123456789012:assumed-role/plugboard-test-dispatcher/s is not authorized';
    const refusal = (name: string) =>
      new EventBridgeServiceException({
        name,
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: SECRET,
      });
    const entry = { Source: 'shop', DetailType: 'Order Placed', Detail: '{}' };

    it('parks the instance event of a missing bus or a denied role, and answers a caller its own events as Internal, logged', async () => {
      for (const [name, instance] of [
        ['AccessDeniedException', 'n-denied'],
        ['ResourceNotFoundException', 'n-no-bus'],
      ] as const) {
        eventBridge.reset();
        eventBridge.on(PutEventsCommand).rejects(refusal(name));
        // The write happened: answered, its event kept for a redrive once the deployment is mended.
        expect((await call('POST', '/v1/instances', { name: instance, plugin: 'notes' })).status).toBe(201);
        const letter = (await parked()).find((l) => l.event.detail.instance === instance);
        expect(letter?.reason).toContain(name);

        const published = await call('POST', '/v1/events', { Entries: [entry] });
        // Not a 503 to retry for ever: a 500 naming the fault, never what EventBridge's message names.
        expect(published.status).toBe(500);
        expect(published.body).toMatchObject({ code: 'Internal', detail: expect.stringContaining(name) });
        expect(JSON.stringify(published.body)).not.toContain('assumed-role');
        expect(logged).toContainEqual(
          expect.objectContaining({
            level: 'error',
            fields: expect.objectContaining({ requestId: published.body.requestId }),
          }),
        );
      }
    });

    it('answers an event EventBridge refuses as not valid as the bare 500, logging its message, and parks nothing', async () => {
      eventBridge.on(PutEventsCommand).rejects(refusal('ValidationException'));
      const published = await call('POST', '/v1/events', { Entries: [entry] });
      expect(published.status).toBe(500);
      expect(published.body).toMatchObject({
        code: 'Internal',
        detail: 'an unexpected error occurred; quote the requestId',
      });
      expect(JSON.stringify(published.body)).not.toContain('assumed-role');
      expect(logged).toContainEqual({
        level: 'error',
        message: expect.any(String),
        fields: { requestId: published.body.requestId, error: `ValidationException: ${SECRET}` },
      });
      // Sent again it would be refused again: the call, not the bus, is what failed.
      expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
      expect(await parked()).toEqual([]);
    });
  });

  it("refuses, before writing it, an instance whose event would be over EventBridge's 256 KB", async () => {
    // EventBridge refuses a request over 256 KB outright, whatever the SDK's retries.
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: Parameters<typeof entrySize>[0][] }) => {
      const size = input.Entries.reduce((sum, entry) => sum + entrySize(entry), 0);
      if (size > MAX_REQUEST_BYTES)
        throw Object.assign(new Error('Total size of the entries in the request is over the limit.'), {
          name: 'ValidationException',
        });
      return { FailedEntryCount: 0, Entries: input.Entries.map((_, i) => ({ EventId: `eb-${i}` })) };
    });
    const text = 'x'.repeat(300 * 1024);
    const created = await call('POST', '/v1/instances', {
      name: 'n-big',
      plugin: 'notes',
      options: { text },
    });
    expect(created.status).toBe(400);
    expect(created.body.errors).toEqual([expect.objectContaining({ pointer: '/options' })]);
    expect(await registry.getInstance('n-big')).toBeUndefined();
    expect(await parked()).toEqual([]);

    expect((await call('POST', '/v1/instances', { name: 'n-small', plugin: 'notes' })).status).toBe(201);
    const patched = await call('PATCH', '/v1/instances/n-small', { options: { text } }, { 'if-match': '*' });
    expect(patched.status).toBe(400);
    expect((await registry.getInstance('n-small'))?.options).toEqual({});
    expect(await parked()).toEqual([]);
  });

  /**
   * A parked event's redrive left under way when its function's time ran out, EventBridge holding
   * its PutEvents until `meanwhile` is done; then EventBridge gives `answer` and the redrive ends.
   */
  const redriveHeld = async (
    name: string,
    answer: () => Promise<unknown>,
    meanwhile: (letter: DeadLetter) => Promise<void>,
  ): Promise<DeadLetter> => {
    eventBridge.on(PutEventsCommand).rejects(new Error('ServiceUnavailable'));
    expect((await call('POST', '/v1/instances', { name, plugin: 'notes' })).status).toBe(201);
    const letter = (await parked()).find((l) => l.event.detail.instance === name)!;
    let release = () => {};
    const held = new Promise<void>((done) => {
      release = done;
    });
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).callsFake(async () => {
      await held;
      return answer();
    });
    const redrive = await call('POST', '/v1/dlq/redrive', { ids: [letter.id] }, {}, ANSWER_MARGIN_MS + 50);
    expect(redrive).toEqual({ status: 202, body: { redriving: 1, notRedriven: [] } });
    await meanwhile(letter);
    release();
    await router.idle();
    return letter;
  };
  const published = async () => ({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-2' }] });

  describe('deleted by an operator while a redrive is delivering it', () => {
    const deleted = async (letter: DeadLetter) => {
      expect((await call('DELETE', `/v1/dlq/${letter.id}`)).status).toBe(204);
    };

    it('stays deleted when the redrive then fails again: not written back, and no error logged', async () => {
      const unavailable = async () => {
        throw new Error('ServiceUnavailable');
      };
      const letter = await redriveHeld('n-deleted-failing', unavailable, deleted);
      expect(await parked()).toEqual([]);
      expect(logged).toContainEqual({
        level: 'info',
        message: 'dead letter deleted during its redrive: not written back',
        fields: { id: letter.id },
      });
      expect(logged.filter((line) => line.level === 'error')).toEqual([]);
    });

    it('is published by the redrive all the same, whose own delete then finds nothing, with no error logged', async () => {
      await redriveHeld('n-deleted-published', published, deleted);
      expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
      expect(await parked()).toEqual([]);
      expect(logged.filter((line) => line.level === 'error')).toEqual([]);
    });
  });

  it("does not hold a later request's answer for a redrive an earlier one left unfinished", async () => {
    await redriveHeld('n2', published, async () => {
      const started = Date.now();
      expect((await call('GET', '/v1/health')).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2_000);
    });
    expect(await parked()).toEqual([]);
  });
});
