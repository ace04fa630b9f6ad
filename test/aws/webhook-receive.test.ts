import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDbEventStore } from '../../lib/aws/dynamodb-event-store';
import { EventBridgeBus } from '../../lib/aws/eventbridge-bus';
import type { DispatcherDeps } from '../../lib/core/dispatcher/deps';
import type { InstanceService } from '../../lib/core/instances/instance-service';
import { signBody } from '../../lib/core/webhooks/signature';
import { WebhookService } from '../../lib/core/webhooks/webhook-service';
import { FileCredentialStore } from '../../lib/local/file-credential-store';
import { PlugboardError } from '../../lib/sdk/errors';
import { type DynaliteTable, startDynaliteTable } from '../fixtures/dynalite-table';

const SECRET = 'webhook-secret-0123456789abcdef';
const eventBridge = mockClient(EventBridgeClient);

describe('receiving a webhook when EventBridge does not take its event', () => {
  let table: DynaliteTable;
  let dir: string;
  let store: DynamoDbEventStore;
  let webhooks: WebhookService;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plugboard-webhooks-'));
    table = await startDynaliteTable();
    store = table.eventStore;
    const credentials = new FileCredentialStore({ dir });
    const deps = {
      credentials,
      bus: new EventBridgeBus({
        client: new EventBridgeClient({ region: 'eu-west-1' }),
        busName: 'plugboard-test',
        maxAttempts: 2,
        baseDelayMs: 1,
      }),
      stage: 'test',
      origin: { account: '123456789012', region: 'eu-west-1' },
    } as Partial<DispatcherDeps> as DispatcherDeps;
    // Receiving reads no instance: the service is given none.
    webhooks = new WebhookService(deps, store, credentials, {} as InstanceService);
    await webhooks.putSource({ name: 'gh', secret: SECRET });
  });
  afterAll(async () => {
    await table.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const body = Buffer.from('{"repository":{"id":42}}');
  const receive = () =>
    webhooks.receive('gh', { 'x-hub-signature-256': signBody(SECRET, body), 'x-delivery-id': 'd-1' }, body);

  it("forgets the delivery, so the sender's retry is received afresh and published once", async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException' }] });
    const error = await receive().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlugboardError);
    expect((error as PlugboardError).code).toBe('Unavailable');
    expect(await store.getWebhookDelivery('gh', 'd-1')).toBeUndefined();

    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
    expect(await receive()).toEqual({ status: 'accepted', deliveryId: 'd-1' });
    expect(await receive()).toEqual({ status: 'duplicate', deliveryId: 'd-1' });
    const puts = eventBridge.commandCalls(PutEventsCommand);
    expect(puts).toHaveLength(1);
    const entry = puts[0]!.args[0].input.Entries![0]!;
    expect(entry.DetailType).toBe('Webhook Received');
    expect(JSON.parse(entry.Detail!)).toEqual({ source: 'gh', deliveryId: 'd-1' });
    expect((await store.getWebhookDelivery('gh', 'd-1'))?.status).toBe('received');
  });
});
