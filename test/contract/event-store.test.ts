import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEventStore } from '../../lib/aws/dynamodb-event-store';
import { type DynaliteTable, startDynaliteTable } from '../fixtures/dynalite-table';
import { loggedEvent as event } from '../fixtures/logged-event';

for (const mode of ['memory', 'disk'] as const) {
  describe(`DynamoDbEventStore on dynalite (${mode})`, () => {
    let table: DynaliteTable;
    let dir: string | undefined;
    let store: DynamoDbEventStore;

    beforeAll(async () => {
      dir = mode === 'disk' ? mkdtempSync(join(tmpdir(), 'plugboard-events-')) : undefined;
      table = await startDynaliteTable({ path: dir });
      store = table.eventStore;
    });
    afterAll(async () => {
      await table.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('logs events, lists a time range in pages and keeps them pending until completed', async () => {
      for (let i = 0; i < 5; i++) await store.appendEvent(event(`e${i}`, `2026-01-01T00:00:0${i}.000Z`));
      const first = await store.listEvents(
        { from: '2026-01-01T00:00:01Z', to: '2026-01-01T00:00:04Z' },
        { limit: 2 },
      );
      expect(first.items.map((e) => e.id)).toEqual(['e1', 'e2']);
      const rest = await store.listEvents(
        { from: '2026-01-01T00:00:01Z', to: '2026-01-01T00:00:04Z' },
        { limit: 2, cursor: first.nextCursor },
      );
      expect(rest.items.map((e) => e.id)).toEqual(['e3']);
      expect(rest.nextCursor).toBeUndefined();
      // A range whose start has moved past the cursor's event (a default window, later) continues
      // from its start; one that ends before the cursor's event was not what the cursor paged.
      const moved = await store.listEvents(
        { from: '2026-01-01T00:00:03Z', to: '2026-01-01T00:00:09Z' },
        { limit: 2, cursor: first.nextCursor },
      );
      expect(moved.items.map((e) => e.id)).toEqual(['e3', 'e4']);
      await expect(
        store.listEvents(
          { from: '2026-01-01T00:00:00Z', to: '2026-01-01T00:00:02Z' },
          { cursor: first.nextCursor },
        ),
      ).rejects.toMatchObject({ code: 'Validation', errors: [{ pointer: '/query/cursor' }] });
      await store.completeEvent('e0');
      await store.completeEvent('e2');
      expect((await store.listPending()).items.map((e) => e.id)).toEqual(['e1', 'e3', 'e4']);
      await store.appendEvent(event('e1', '2026-01-01T00:00:01.000Z'));
      expect(
        (await store.listEvents({ from: '2026-01-01T00:00:00Z', to: '2026-01-02T00:00:00Z' })).items,
      ).toHaveLength(5);
      await store.appendEvent(event('e5', '2026-01-01T00:00:05.000Z'), { pending: false });
      expect((await store.listPending()).items.map((e) => e.id)).toEqual(['e1', 'e3', 'e4']);
      expect(
        (await store.listEvents({ from: '2026-01-01T00:00:05Z', to: '2026-01-02T00:00:00Z' })).items,
      ).toEqual([event('e5', '2026-01-01T00:00:05.000Z')]);
    });

    it('orders events of one time by id, the order the local log keeps', async () => {
      const time = '2026-02-01T00:00:00.000Z';
      for (const id of ['b', 'B', 'a', '_', 'a-1'])
        await store.appendEvent(event(id, time), { pending: false });
      const range = { from: time, to: '2026-02-02T00:00:00.000Z' };
      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.listEvents(range, { limit: 2, cursor });
        paged.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged).toEqual(['B', '_', 'a', 'a-1', 'b']);
    });

    it('keeps subscriptions in creation order and deletes them', async () => {
      const sub = (id: string, createdAt: string) => ({
        id,
        pattern: { source: ['test'] },
        instance: 'i1',
        handler: 'events' as const,
        params: {},
        order: 0,
        createdAt,
      });
      await store.putSubscription(sub('b', '2026-01-01T00:00:00Z'));
      await store.putSubscription(sub('a', '2026-01-01T00:00:01Z'));
      expect((await store.listSubscriptions()).items.map((s) => s.id)).toEqual(['b', 'a']);
      expect(await store.getSubscription('a')).toMatchObject({ id: 'a', pattern: { source: ['test'] } });
      expect(await store.deleteSubscription('a')).toBe(true);
      expect(await store.deleteSubscription('a')).toBe(false);
      expect(await store.getSubscription('a')).toBeUndefined();
    });

    /** The letter of event `eventId` for subscription s1, failed at one minute past. */
    const deadLetter = (eventId: string, time: string) => ({
      id: `${eventId}:s1`,
      event: event(eventId, time),
      target: 's1',
      attempts: 3,
      reason: 'PluginFailed: nope',
      failedAt: '2026-01-01T00:01:00.000Z',
    });

    it('keeps dead letters until deleted, and says whether there was one to delete', async () => {
      const letter = deadLetter('e1', '2026-01-01T00:00:01.000Z');
      await store.putDeadLetter(letter);
      expect((await store.listDeadLetters()).items).toEqual([letter]);
      expect(await store.deleteDeadLetter('e1:s1')).toBe(true);
      expect(await store.getDeadLetter('e1:s1')).toBeUndefined();
      expect(await store.deleteDeadLetter('e1:s1')).toBe(false);
    });

    it('replaces a dead letter only while it is there', async () => {
      const letter = deadLetter('e2', '2026-01-01T00:00:02.000Z');
      await store.putDeadLetter(letter);
      const again = {
        ...letter,
        attempts: 6,
        reason: 'PluginFailed: still',
        failedAt: '2026-01-01T00:02:00.000Z',
      };
      expect(await store.replaceDeadLetter(again)).toBe(true);
      expect(await store.getDeadLetter(letter.id)).toEqual(again);
      expect((await store.listDeadLetters()).items).toEqual([again]);
      expect(await store.deleteDeadLetter(letter.id)).toBe(true);
      expect(await store.replaceDeadLetter(again)).toBe(false);
      expect(await store.getDeadLetter(letter.id)).toBeUndefined();
      expect((await store.listDeadLetters()).items).toEqual([]);
    });

    it('records a webhook delivery once and lists deliveries newest first', async () => {
      await store.putWebhookSource({
        name: 'gh',
        signatureHeader: 'x-sig',
        signatureScheme: 'sha256',
        deliveryIdHeader: 'x-id',
        createdAt: '2026-01-01T00:00:00Z',
      });
      await store.putWebhookRule({
        id: 'r1',
        source: 'gh',
        filter: {},
        handler: 'x#y',
        actionConfig: {},
        order: 0,
        createdAt: '2026-01-01T00:00:00Z',
      });
      expect((await store.listWebhookSources()).map((s) => s.name)).toEqual(['gh']);
      expect((await store.listWebhookRules('gh')).map((r) => r.id)).toEqual(['r1']);
      const delivery = (id: string, receivedAt: string) => ({
        source: 'gh',
        deliveryId: id,
        receivedAt,
        headers: {},
        payload: { id },
        status: 'received' as const,
        outcomes: [],
      });
      expect(await store.recordWebhookDelivery(delivery('d1', '2026-01-01T00:00:01Z'))).toBe(true);
      expect(await store.recordWebhookDelivery(delivery('d1', '2026-01-01T00:00:05Z'))).toBe(false);
      expect(await store.recordWebhookDelivery(delivery('d2', '2026-01-01T00:00:02Z'))).toBe(true);
      expect((await store.listWebhookDeliveries('gh')).items.map((d) => d.deliveryId)).toEqual(['d2', 'd1']);
      expect(await store.deleteWebhookDelivery('gh', 'd2')).toBe(true);
      expect(await store.deleteWebhookDelivery('gh', 'd2')).toBe(false);
      expect(await store.getWebhookDelivery('gh', 'd2')).toBeUndefined();
      expect((await store.listWebhookDeliveries('gh')).items.map((d) => d.deliveryId)).toEqual(['d1']);
      expect(await store.recordWebhookDelivery(delivery('d2', '2026-01-01T00:00:06Z'))).toBe(true);
      expect(await store.deleteWebhookRule('gh', 'r1')).toBe(true);
      expect(await store.listWebhookRules('gh')).toEqual([]);
    });

    it("notes a delivery's outcomes apart, one per rule and instance, until they are cleared", async () => {
      const outcome = (rule: string, instance: string, result: 'succeeded' | 'failed') => ({
        rule,
        instance,
        outcome: result,
        ...(result === 'failed' ? { reason: 'PluginFailed: no' } : {}),
      });
      // Delivery ids may hold "#", and one may begin another: each sees its own notes alone.
      const ids = ['n1', 'n1#r1', 'n10'];
      for (const id of ids)
        await store.noteWebhookOutcome('gh', id, outcome('r1', `i-${id.length}`, 'failed'));
      await store.noteWebhookOutcome('gh', 'n1', outcome('r1', 'i-2', 'succeeded'));
      // Noted again, the last one stands.
      await store.noteWebhookOutcome('gh', 'n1', outcome('r1', 'i-2', 'failed'));
      const sorted = (id: string) =>
        store
          .listWebhookOutcomes('gh', id)
          .then((all) => all.sort((a, b) => a.instance.localeCompare(b.instance)));
      expect(await sorted('n1')).toEqual([outcome('r1', 'i-2', 'failed')]);
      expect(await sorted('n1#r1')).toEqual([outcome('r1', 'i-5', 'failed')]);
      expect(await sorted('n10')).toEqual([outcome('r1', 'i-3', 'failed')]);
      await store.clearWebhookOutcomes('gh', 'n1');
      expect(await store.listWebhookOutcomes('gh', 'n1')).toEqual([]);
      expect(await store.listWebhookOutcomes('gh', 'n1#r1')).toHaveLength(1);
      expect(await store.listWebhookOutcomes('gh', 'n10')).toHaveLength(1);
      // Notes are no deliveries.
      expect((await store.listWebhookDeliveries('gh')).items.map((d) => d.deliveryId)).not.toContain('n1');
      await expect(
        store.noteWebhookOutcome('gh', 'bad id', outcome('r1', 'i', 'failed')),
      ).rejects.toMatchObject({
        code: 'Validation',
      });
    });

    it('keeps guards', async () => {
      const guard = {
        id: 'preHook:cw',
        role: 'preHook' as const,
        instance: 'cw',
        plugins: [],
        order: 1,
        createdAt: '2026-01-01T00:00:00Z',
      };
      await store.putGuard(guard);
      expect(await store.listGuards()).toEqual([guard]);
      expect(await store.deleteGuard('preHook:cw')).toBe(true);
      expect(await store.listGuards()).toEqual([]);
    });
  });
}

describe('DynamoDbEventStore log expiry', () => {
  it('gives a logged event an expiry from when it is logged, and a pending one none', async () => {
    const table = await startDynaliteTable();
    const { client, tableName } = table;
    try {
      const store = new DynamoDbEventStore({ client, tableName, eventLogRetentionDays: 2 });
      const before = Math.floor(Date.now() / 1000);
      // Dated long ago: the expiry still counts from the logging, not from the publisher's time.
      await store.appendEvent(event('old', '2001-01-01T00:00:00.000Z'));
      const after = Math.floor(Date.now() / 1000);
      const item = async (sk: string) =>
        (
          await client.send(
            new GetItemCommand({
              TableName: tableName,
              Key: { pk: { S: 'EVENT#old' }, sk: { S: sk } },
            }),
          )
        ).Item;
      const expiresAt = Number((await item('LOG'))?.expiresAt?.N);
      expect(expiresAt).toBeGreaterThanOrEqual(before + 2 * 86_400);
      expect(expiresAt).toBeLessThanOrEqual(after + 2 * 86_400);
      expect(await item('PENDING')).toMatchObject({ pk: { S: 'EVENT#old' } });
      expect((await item('PENDING'))?.expiresAt).toBeUndefined();
    } finally {
      await table.close();
    }
  });
});
