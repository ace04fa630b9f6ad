import { callAction, createTestContext, MemoryStore } from 'plugboard/testing';
import { describe, expect, it } from 'vitest';
import { checkPlugin } from '../../lib/core/loader';
import auditLog from './index';

const event = {
  version: '0' as const,
  id: 'e1',
  'detail-type': 'Counter Changed',
  source: 'plugboard.plugin.incrementer',
  account: '0',
  time: '2026-01-01T00:00:00Z',
  region: 'local',
  resources: [],
  detail: { value: 1 },
};

describe('audit-log', () => {
  it('passes the loader', () => {
    expect(checkPlugin(auditLog)).toMatchObject({ ok: true });
  });

  it('records a delivered event once per idempotency key', async () => {
    const store = new MemoryStore();
    const ctx = createTestContext({ manifest: auditLog.manifest, store });
    const delivery = { event, idempotencyKey: 'e1:s1', subscriptionId: 's1', attempt: 1 };
    await auditLog.events?.(ctx, delivery);
    await auditLog.events?.(ctx, { ...delivery, attempt: 2 });
    const { events } = await callAction(auditLog, ctx, 'seen');
    expect(events).toEqual([
      expect.objectContaining({ id: 'e1', detailType: 'Counter Changed', attempt: 2 }),
    ]);
  });

  it('throws on every event while reject is set', async () => {
    const ctx = createTestContext({ manifest: auditLog.manifest, options: { reject: true } });
    await expect(
      auditLog.events?.(ctx, { event, idempotencyKey: 'e1:s1', subscriptionId: 's1', attempt: 1 }),
    ).rejects.toThrow('reject');
  });

  it('records webhooks with their label and external identifier', async () => {
    const ctx = createTestContext({ manifest: auditLog.manifest });
    await auditLog.webhook.record(ctx, {
      payload: { a: 1 },
      headers: {},
      actionConfig: { label: 'pushes' },
      externalIdentifier: '42',
      deliveryId: 'd1',
      source: 'gh',
    });
    expect(await callAction(auditLog, ctx, 'seen')).toMatchObject({
      webhooks: [{ label: 'pushes', externalIdentifier: '42', payload: { a: 1 } }],
    });
  });
});
