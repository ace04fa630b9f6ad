import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { signBody } from '../../lib/core/webhooks/signature';
import { createDynamoClient, LOCAL_REGISTRY_TABLE, startDynalite } from '../../lib/local/dynalite';
import { startTestPlatform } from '../e2e/harness';
import { waitFor } from '../e2e/wait-for';
import { RELIABILITY_PLUGINS } from './scenarios/events-under-faults';

const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-secrets-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const canary = (what: string) => `canary-${what}-${randomUUID()}`;
/** Credentials: only the credential store may hold them, encrypted. */
const CREDENTIALS = {
  hmac: canary('hmac'),
  apiKey: canary('api-key'),
  secretOption: canary('secret-option'),
  webhook: canary('webhook-secret'),
  sender: canary('sender-token'),
};
/** A kv-config value of the secret data type: stored by the plugin, never answered. */
const KV_SECRET = canary('kv-secret');

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe('canary secrets through every path', () => {
  it('appear in no answer, header, log line, event, dead letter, webhook delivery or registry item', async () => {
    const pb = await startTestPlatform({
      memory: false,
      dataDir,
      pluginsDir: RELIABILITY_PLUGINS,
      retry: { attempts: 2, baseDelayMs: 10 },
    });
    const raw: string[] = [];
    try {
      const ok = async (method: string, path: string, body: unknown, status: number) => {
        const response = await pb.call(method, path, body);
        expect(response.status, `${method} ${path}: ${response.text}`).toBe(status);
        return response;
      };
      await ok('POST', '/v1/instances', { name: 'signer', plugin: 'hmac-signer' }, 201);
      await ok('POST', '/v1/instances', { name: 'leak', plugin: 'leaky' }, 201);
      await ok('POST', '/v1/instances', { name: 'kv', plugin: 'kv-config' }, 201);
      await ok('PUT', '/v1/instances/signer/credentials', { values: { signingKey: CREDENTIALS.hmac } }, 200);
      await ok(
        'PUT',
        '/v1/instances/leak/credentials',
        { values: { apiKey: CREDENTIALS.apiKey, token: CREDENTIALS.secretOption } },
        200,
      );

      // Refused credentials must not be quoted back.
      for (const values of [
        { signingKey: 12 },
        { unknownName: CREDENTIALS.hmac },
        { signingKey: CREDENTIALS.hmac + 'x'.repeat(70_000) },
        CREDENTIALS.hmac,
      ]) {
        expect((await pb.call('PUT', '/v1/instances/signer/credentials', { values })).status).toBe(400);
      }
      await ok('POST', '/v1/instances/signer/actions/sign', { params: { payload: 'p' } }, 200);
      await ok(
        'POST',
        '/v1/instances/signer/actions/verify',
        { params: { payload: 'p', signature: 'x' } },
        200,
      );
      await ok('GET', '/v1/instances/signer/credentials', undefined, 200);

      await ok('POST', '/v1/instances/leak/actions/answer', {}, 200);
      await ok('POST', '/v1/instances/leak/actions/throw', {}, 502);
      await ok('POST', '/v1/instances/leak/actions/reject', {}, 400);
      await ok('POST', '/v1/instances/leak/actions/log', {}, 200);
      await ok('GET', '/v1/plugin-apis/leak/anything', undefined, 200);
      await ok(
        'POST',
        '/v1/subscriptions',
        { pattern: { source: ['plugboard.plugin.leaky'] }, instance: 'leak', handler: 'events' },
        201,
      );
      await ok('POST', '/v1/instances/leak/actions/publish', {}, 200);

      await ok(
        'POST',
        '/v1/instances/kv/operations/configuration.setValue',
        { input: { key: 'db-password', value: KV_SECRET, dataType: 'secret' } },
        200,
      );
      await ok('POST', '/v1/instances/kv/operations/configuration.getValues', { input: {} }, 200);
      await ok('POST', '/v1/instances/kv/operations/configuration.listKeys', { input: {} }, 200);

      await ok('PUT', '/v1/webhook-sources/gh', { secret: CREDENTIALS.webhook }, 201);
      await ok('POST', '/v1/webhook-sources/gh/rules', { handler: 'leaky#spill' }, 201);
      const payload = Buffer.from(JSON.stringify({ hello: 'world' }));
      const webhook = await fetch(`${pb.platform.url}/v1/webhooks/gh`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-hub-signature-256': signBody(CREDENTIALS.webhook, payload),
          'x-delivery-id': 'd-1',
          authorization: `Bearer ${CREDENTIALS.sender}`,
          'x-api-key': CREDENTIALS.sender,
          cookie: `session=${CREDENTIALS.sender}`,
        },
        body: payload,
      });
      raw.push(await webhook.text(), JSON.stringify([...webhook.headers]));
      expect(webhook.status).toBe(202);

      await waitFor(
        async () => (await pb.call('GET', '/v1/dlq')).body.deadLetters.length > 0,
        10_000,
        'the leaky subscriber to dead-letter the event',
      );
      await waitFor(
        async () => (await pb.call('GET', '/v1/webhooks/gh/deliveries')).body.deliveries.length > 0,
        10_000,
        'the webhook delivery to be recorded',
      );
      await pb.platform.events.router.idle();
      for (const path of [
        '/v1/events/log?limit=1000',
        '/v1/dlq',
        '/v1/webhooks/gh/deliveries',
        '/v1/webhook-sources',
        '/v1/webhook-sources/gh/rules',
        '/v1/openapi.json',
        '/v1/plugins',
        '/v1/plugins/leaky',
        '/v1/plugins/leaky/template',
        '/v1/instances',
        '/v1/instances/leak',
        '/v1/instances/leak/credentials',
        '/v1/subscriptions',
      ])
        await ok('GET', path, undefined, 200);
      const log = (await pb.call('GET', '/v1/events/log?limit=1000')).body.events;
      expect(log.some((e: { 'detail-type': string }) => e['detail-type'] === 'Leak Attempted')).toBe(true);
    } finally {
      await pb.close();
    }

    const items = await scanRegistry(join(dataDir, 'registry'));
    const files = readdirSync(dataDir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && !entry.name.startsWith('credentials'))
      .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'latin1'));
    const store = readdirSync(dataDir)
      .filter((name) => name.startsWith('credentials'))
      .map((name) => readFileSync(join(dataDir, name), 'latin1'))
      .join('\n');

    const api = [...pb.seen, ...raw].join('\n');
    const logs = pb.logLines.join('\n');
    const registry = items.join('\n');
    let hits = 0;
    for (const [name, value] of Object.entries(CREDENTIALS)) {
      const found = { api: count(api, value), logs: count(logs, value), registry: count(registry, value) };
      found.registry += files.reduce((n, text) => n + count(text, value), 0);
      hits += found.api + found.logs + found.registry + count(store, value);
      expect(found, name).toEqual({ api: 0, logs: 0, registry: 0 });
      expect(count(store, value), `${name} in plain text in the credential store`).toBe(0);
    }
    const kvHits = count(api, KV_SECRET) + count(logs, KV_SECRET);
    console.log(
      `secrets: ${Object.keys(CREDENTIALS).length + 1} canaries over ${pb.seen.length / 2 + raw.length / 2} responses, ${pb.logLines.length} log lines, ${items.length} registry items, ${files.length} data files: ${hits + kvHits} hits`,
    );
    expect(kvHits).toBe(0);
  }, 90_000);
});

/** Every item of the registry table as JSON, read with a Scan on the data the platform left. */
async function scanRegistry(path: string): Promise<string[]> {
  const dynamo = await startDynalite({ path });
  const client = createDynamoClient(dynamo.endpoint);
  const items: string[] = [];
  try {
    let start: ScanCommandOutput['LastEvaluatedKey'];
    do {
      const page = await client.send(
        new ScanCommand({ TableName: LOCAL_REGISTRY_TABLE, ExclusiveStartKey: start }),
      );
      items.push(...(page.Items ?? []).map((item) => JSON.stringify(item)));
      start = page.LastEvaluatedKey;
    } while (start);
  } finally {
    client.destroy();
    await dynamo.close();
  }
  return items;
}
