import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnvironment } from '../../lib/aws/environment';
import { createEventDelivery } from '../../lib/aws/event-delivery';
import { awsEventsProps } from '../../lib/aws/events-props';
import { eventBusName } from '../../lib/aws/names';
import { awsDispatcherDeps } from '../../lib/aws/platform-deps';
import { platformEvent } from '../../lib/core/platform-events';
import type { DeadLetter, EventStore, Registry } from '../../lib/core/ports';
import { LOCAL_STAGE } from '../../lib/local/platform';
import { type ApiResponse, startTestPlatform, type TestPlatform } from '../e2e/harness';
import { sendWebhook } from '../e2e/send-webhook';
import { dispatcherCall } from '../fixtures/apigw/dispatcher-call';
import { type DynaliteTable, functionSettings, startDynaliteTable } from '../fixtures/dynalite-table';

const eventBridge = mockClient(EventBridgeClient);
const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const SECRET = 'till-webhook-secret';
const context = {
  functionName: 'function',
  awsRequestId: 'lambda-request',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

type Call = (method: string, path: string, body?: unknown) => Promise<Pick<ApiResponse, 'status' | 'body'>>;

/**
 * A platform's API and registry; how its webhook source is made; and how it takes a delivery in and
 * runs it until its reaction is a dead letter, whose id it answers.
 */
interface Platform {
  call: Call;
  registry: () => Registry;
  putSource: (source: string) => Promise<void>;
  deadLettered: (source: string, deliveryId: string, payload: unknown) => Promise<string>;
}

/**
 * A webhook delivery with two rules, on the `till` plugin of test/fixtures/webhook-plugins: `charge`
 * (a side effect) succeeds, `notify` cannot run now until the operator fixes it. Once the retries are
 * spent and the reaction is a dead letter, the fix and a redrive run `notify` again and `charge` not.
 */
describe('a webhook reaction that stopped partway, redriven, runs only the actions that had not succeeded', () => {
  let pb: TestPlatform;
  let table: DynaliteTable;
  let dispatcher: typeof import('../../functions/dispatcher')['handler'];
  const saved = { ...process.env };

  beforeAll(async () => {
    [pb, table] = await Promise.all([
      startTestPlatform({ pluginsDir: join(import.meta.dirname, '../fixtures/webhook-plugins') }),
      startDynaliteTable(),
    ]);
    Object.assign(process.env, functionSettings(table), {
      // The local platform's Lambda endpoint serves the plugin functions of its own stage.
      PLUGBOARD_STAGE: LOCAL_STAGE,
      PLUGBOARD_BUS_NAME: eventBusName(LOCAL_STAGE),
      PLUGBOARD_DELIVERY_FUNCTION_ARN: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:delivery`,
      PLUGBOARD_DEAD_LETTER_QUEUE_ARN: `arn:aws:sqs:${REGION}:${ACCOUNT}:dead-letters`,
      AWS_ENDPOINT_URL_LAMBDA: pb.platform.url,
    });
    eventBridge.on(PutEventsCommand).callsFake(({ Entries }: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: Entries.map(() => ({ EventId: randomUUID() })),
    }));
    // What the deploy's registry sync writes: the plugin its function serves.
    await table.registry.putPlugin((await pb.platform.registry.getPlugin('till'))!);
    dispatcher = (await import('../../functions/dispatcher')).handler;
  });
  afterAll(async () => {
    process.env = saved;
    eventBridge.restore();
    await Promise.all([pb?.close(), table?.close()]);
  });

  const awsCall = (method: string, path: string, body?: unknown) =>
    dispatcherCall(dispatcher, context)(method, path, body);
  const webhooksLetter = async (store: EventStore, deliveryId: string): Promise<string> => {
    const letters = (await store.listDeadLetters({ limit: 1000 })).items;
    const letter = letters.find(
      (l: DeadLetter) => l.target === 'webhooks' && l.event.detail.deliveryId === deliveryId,
    );
    expect(letter).toBeDefined();
    return letter!.id;
  };

  const platforms: Record<string, Platform> = {
    local: {
      call: (method, path, body) => pb.call(method, path, body, { 'if-match': '*' }),
      registry: () => pb.platform.registry,
      async putSource(source) {
        expect((await pb.call('PUT', `/v1/webhook-sources/${source}`, { secret: SECRET })).status).toBe(201);
      },
      async deadLettered(source, deliveryId, payload) {
        const sent = await sendWebhook(pb.platform.url, source, {
          secret: SECRET,
          body: JSON.stringify(payload),
          deliveryId,
        });
        expect(sent.status).toBe(202);
        // The bus's retries, then the dead-letter queue.
        await pb.platform.events.router.idle();
        return webhooksLetter(pb.platform.eventStore, deliveryId);
      },
    },
    aws: {
      call: awsCall,
      registry: () => table.registry,
      async putSource(source) {
        // As PUT /v1/webhook-sources stores it, whose secret would go to Secrets Manager, not stood in for here.
        await table.eventStore.putWebhookSource({
          name: source,
          signatureHeader: 'x-hub-signature-256',
          signatureScheme: 'sha256',
          deliveryIdHeader: 'x-delivery-id',
          createdAt: new Date().toISOString(),
        });
      },
      async deadLettered(source, deliveryId, payload) {
        // What the webhook receiver function records before it publishes Webhook Received.
        await table.eventStore.recordWebhookDelivery({
          source,
          deliveryId,
          receivedAt: new Date().toISOString(),
          headers: {},
          payload,
          status: 'received',
          outcomes: [],
        });
        const env = readEnvironment();
        const deliver = createEventDelivery({
          deps: awsDispatcherDeps(env, () => undefined),
          ...awsEventsProps(env),
          store: table.eventStore,
        });
        const received = platformEvent({ account: ACCOUNT, region: REGION }, 'Webhook Received', {
          source,
          deliveryId,
        });
        // The delivery function's retries, then its dead letter.
        await deliver(received);
        return webhooksLetter(table.eventStore, deliveryId);
      },
    },
  };

  for (const [name, platform] of Object.entries(platforms)) {
    it(`runs the action that succeeded once and the one that could not run again, and records both (${name})`, async () => {
      const shop = `shop-${randomUUID().slice(0, 8)}`;
      expect(
        (
          await platform.call('POST', '/v1/instances', {
            name: shop,
            plugin: 'till',
            options: { down: true },
          })
        ).status,
      ).toBe(201);
      const source = `orders-${randomUUID().slice(0, 8)}`;
      const deliveryId = randomUUID();
      const ran = async (action: string) => {
        const { generation } = (await platform.registry().getInstance(shop))!;
        // The plugin functions run in the local platform on both, with their stores there.
        const owner = { plugin: 'till', name: shop, generation };
        return (await pb.platform.registry.storeGet(owner, `ran/${action}`))?.value ?? 0;
      };
      await platform.putSource(source);
      const rules: string[] = [];
      for (const [order, action] of ['charge', 'notify'].entries()) {
        const rule = await platform.call('POST', `/v1/webhook-sources/${source}/rules`, {
          handler: `till#${action}`,
          order,
        });
        expect(rule.status).toBe(201);
        rules.push(rule.body.id);
      }
      const [charge, notify] = rules;

      const id = await platform.deadLettered(source, deliveryId, { order: 42 });
      const deliveries = async () =>
        (await platform.call('GET', `/v1/webhooks/${source}/deliveries`)).body.deliveries;
      expect(await deliveries()).toMatchObject([
        {
          deliveryId,
          status: 'received',
          outcomes: [{ rule: charge, instance: shop, outcome: 'succeeded' }],
        },
      ]);
      const { attempts } = (await platform.call('GET', '/v1/dlq?limit=1000')).body.deadLetters.find(
        (l: DeadLetter) => l.id === id,
      );
      expect([await ran('charge'), await ran('notify')]).toEqual([1, attempts]);

      // The operator's fix, then the redrive.
      const fixed = await platform.call('PATCH', `/v1/instances/${shop}`, { options: { down: false } });
      expect(fixed.status).toBe(200);
      expect((await platform.call('POST', '/v1/dlq/redrive', { ids: [id] })).body).toEqual({
        redriving: 1,
        notRedriven: [],
      });
      await pb.platform.events.router.idle();

      expect([await ran('charge'), await ran('notify')]).toEqual([1, attempts + 1]);
      expect(await deliveries()).toEqual([
        expect.objectContaining({
          deliveryId,
          status: 'processed',
          outcomes: [
            { rule: charge, instance: shop, outcome: 'succeeded' },
            { rule: notify, instance: shop, outcome: 'succeeded' },
          ],
        }),
      ]);
      expect(
        (await platform.call('GET', '/v1/dlq?limit=1000')).body.deadLetters.map((l: DeadLetter) => l.id),
      ).not.toContain(id);
    });
  }
});
