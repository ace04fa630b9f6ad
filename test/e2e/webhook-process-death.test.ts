import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killGroup, platformCaller, spawnPlatform } from './child-platform-process';
import { startTestPlatform, type TestPlatform } from './harness';
import { sendWebhook } from './send-webhook';
import { waitFor } from './wait-for';

const PLUGINS = join(import.meta.dirname, '../fixtures/webhook-plugins');
const SECRET = 'till-webhook-secret';
const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-webhook-death-'));
let restarted: TestPlatform | undefined;
afterAll(async () => {
  await restarted?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/**
 * The process dies (SIGKILL) while a webhook delivery's second action runs, after its first
 * succeeded: the next start delivers the event again, and the reaction runs the second action alone.
 */
describe('a webhook reaction whose process died partway', () => {
  it('runs, at the next start, only the action that had not ended, and records both outcomes', async () => {
    const { child, url } = spawnPlatform(dataDir, PLUGINS);
    let charge: string;
    let notify: string;
    const deliveryId = randomUUID();
    try {
      const base = await url;
      const call = platformCaller(base, dataDir, 20_000);
      expect(
        (await call('POST', '/v1/instances', { name: 'shop', plugin: 'till', options: { hang: true } }))
          .status,
      ).toBe(201);
      expect((await call('PUT', '/v1/webhook-sources/orders', { secret: SECRET })).status).toBe(201);
      const rules: string[] = [];
      for (const [order, action] of ['charge', 'notify'].entries()) {
        const rule = await call('POST', '/v1/webhook-sources/orders/rules', {
          handler: `till#${action}`,
          order,
        });
        expect(rule.status).toBe(201);
        rules.push(rule.body.id);
      }
      [charge = '', notify = ''] = rules;
      const sent = await sendWebhook(base, 'orders', { secret: SECRET, body: '{"order":42}', deliveryId });
      expect(sent.status).toBe(202);
      const ran = async () => (await call('POST', '/v1/instances/shop/actions/ran', {})).body.result;
      await waitFor(async () => (await ran()).notify === 1, 20_000, 'the receipt to hang');
      expect(await ran()).toEqual({ charge: 1, notify: 1 });
    } finally {
      await killGroup(child);
    }

    restarted = await startTestPlatform({ memory: false, dataDir, pluginsDir: PLUGINS });
    await restarted.platform.bus.idle();
    const ran = (await restarted.call('POST', '/v1/instances/shop/actions/ran', {})).body.result;
    expect(ran).toEqual({ charge: 1, notify: 2 });
    const [delivery] = (await restarted.call('GET', '/v1/webhooks/orders/deliveries')).body.deliveries;
    expect(delivery).toMatchObject({
      deliveryId,
      status: 'processed',
      outcomes: [
        { rule: charge, instance: 'shop', outcome: 'succeeded' },
        { rule: notify, instance: 'shop', outcome: 'succeeded' },
      ],
    });
  }, 120_000);
});
