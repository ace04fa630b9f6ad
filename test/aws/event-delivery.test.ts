import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { InvokeCommand, type InvokeCommandOutput, LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbEventStore } from '../../lib/aws/dynamodb-event-store';
import { DynamoDbRegistry } from '../../lib/aws/dynamodb-registry';
import { createEventDelivery } from '../../lib/aws/event-delivery';
import { EventBridgeBus } from '../../lib/aws/eventbridge-bus';
import { LambdaInvoker } from '../../lib/aws/lambda-invoker';
import {
  SecretsManagerCredentialResolver,
  SecretsManagerCredentialStore,
} from '../../lib/aws/secrets-manager-credential-store';
import {
  createDynamoClient,
  LOCAL_REGISTRY_TABLE,
  type LocalDynamo,
  startDynalite,
} from '../../lib/local/dynalite';
import type { PlatformEvent } from '../../lib/sdk/events';
import { ManifestSchema } from '../../lib/sdk/manifest';

const lambda = mockClient(LambdaClient);
const eventBridge = mockClient(EventBridgeClient);
const region = 'eu-west-1';
const answer = (value: unknown) =>
  new TextEncoder().encode(JSON.stringify(value)) as InvokeCommandOutput['Payload'];

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
  let dynamo: LocalDynamo;
  let client: ReturnType<typeof createDynamoClient>;
  let store: DynamoDbEventStore;
  let deliver: (event: PlatformEvent) => Promise<void>;

  beforeAll(async () => {
    dynamo = await startDynalite();
    client = createDynamoClient(dynamo.endpoint);
    const registry = new DynamoDbRegistry({ client, tableName: LOCAL_REGISTRY_TABLE });
    store = new DynamoDbEventStore({ client, tableName: LOCAL_REGISTRY_TABLE });
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
    deliver = createEventDelivery({
      deps: {
        registry,
        credentials: new SecretsManagerCredentialStore({ client: secrets }),
        invoker: new LambdaInvoker({ client: new LambdaClient({ region }), stage: 'test' }),
        bus: new EventBridgeBus({ client: new EventBridgeClient({ region }), busName: 'plugboard-test' }),
        authenticate: () => undefined as never,
        stage: 'test',
        origin: { account: '123456789012', region },
      },
      store,
      webhookSecrets: new SecretsManagerCredentialResolver({ client: secrets }),
      sleep: async () => {},
    });
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });
  beforeEach(() => {
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
    const envelope = JSON.parse(Buffer.from(calls[0]!.args[0].input.Payload as Uint8Array).toString());
    expect(envelope).toMatchObject({
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
});
