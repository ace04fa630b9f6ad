import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDbEventStore } from '../../lib/aws/dynamodb-event-store';
import { EVENT_SHARDS, eventShard } from '../../lib/aws/event-items';
import type { PageRequest } from '../../lib/core/ports';
import type { PlatformEvent } from '../../lib/sdk/events';
import { type DynaliteTable, startDynaliteTable } from '../fixtures/dynalite-table';
import { loggedEvent as event } from '../fixtures/logged-event';

/** The order a listing gives: by time, then id (the index sort key `<time>#<id>`). */
const ordered = (events: PlatformEvent[]) =>
  [...events]
    .sort((a, b) => {
      const ka = `${new Date(a.time).toISOString()}#${a.id}`;
      const kb = `${new Date(b.time).toISOString()}#${b.id}`;
      return ka < kb ? -1 : ka > kb ? 1 : 0;
    })
    .map((e) => e.id);

describe('DynamoDbEventStore event log write shards (dynalite)', () => {
  let table: DynaliteTable;
  let doc: DynamoDBDocumentClient;
  let store: DynamoDbEventStore;

  beforeAll(async () => {
    table = await startDynaliteTable();
    doc = DynamoDBDocumentClient.from(table.client);
    store = table.eventStore;
  });
  afterAll(() => table.close());

  /** Every page of a listing, checking no page is over its limit and only the last has no cursor. */
  async function allPages(
    list: (request: PageRequest) => Promise<{ items: PlatformEvent[]; nextCursor?: string }>,
    limit: number,
    cutShort = false,
  ): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 200; pages++) {
      const page = await list({ limit, cursor });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      // Only a query cut short by the 1 MB limit gives a page short of its limit that goes on.
      if (page.nextCursor && !cutShort) expect(page.items.length).toBe(limit);
      ids.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor;
      if (!cursor) return ids;
    }
    throw new Error('the listing did not end');
  }

  const indexKeyOf = async (id: string, sk: string) =>
    (await doc.send(new GetCommand({ TableName: table.tableName, Key: { pk: `EVENT#${id}`, sk } }))).Item
      ?.gsi1pk;

  /** An item as the store wrote it before the shards: one partition for the log, one for pending. */
  async function putLegacy(e: PlatformEvent, pending: boolean): Promise<void> {
    const gsi1sk = `${new Date(e.time).toISOString()}#${e.id}`;
    const data = JSON.stringify(e);
    if (pending) {
      await doc.send(
        new PutCommand({
          TableName: table.tableName,
          Item: { pk: `EVENT#${e.id}`, sk: 'PENDING', gsi1pk: 'EVENTS_PENDING', gsi1sk, data },
        }),
      );
    }
    await doc.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { pk: `EVENT#${e.id}`, sk: 'LOG', gsi1pk: 'EVENTLOG', gsi1sk, data },
      }),
    );
  }

  it('hashes an id to the same shard every time, spread over all of them', () => {
    const shards = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const n = eventShard(`evt-${i}`);
      expect(n).toBe(eventShard(`evt-${i}`));
      expect(n).toBeGreaterThanOrEqual(0);
      expect(n).toBeLessThan(EVENT_SHARDS);
      shards.add(n);
    }
    expect(shards.size).toBe(EVENT_SHARDS);
  });

  it('spreads events over the shards and lists them in (time, id) order with every page limit', async () => {
    const events: PlatformEvent[] = [];
    for (let i = 0; i < 24; i++) {
      // Three events share each second, so equal times order by id across shards.
      const second = String(Math.floor(i / 3)).padStart(2, '0');
      events.push(event(`a${(i * 7) % 24}`, `2030-01-01T00:00:${second}.000Z`));
    }
    for (const e of events) await store.appendEvent(e, { pending: false });
    const written = new Set(await Promise.all(events.map((e) => indexKeyOf(e.id, 'LOG'))));
    expect([...written].every((pk) => /^EVENTLOG#[0-7]$/.test(String(pk)))).toBe(true);
    expect(written.size).toBeGreaterThanOrEqual(4);
    for (const e of events) expect(await indexKeyOf(e.id, 'LOG')).toBe(`EVENTLOG#${eventShard(e.id)}`);

    const range = { from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z' };
    const expected = ordered(events);
    for (const limit of [1, 2, 3, 7, 24, 100]) {
      expect(await allPages((r) => store.listEvents(range, r), limit)).toEqual(expected);
    }
  });

  it('keeps the range bounds: `to` excluded, a cursor before `from` continues, one at or after `to` refused', async () => {
    const events = [0, 1, 2, 3, 4, 5].flatMap((s) => [
      event(`b${s}x`, `2031-01-01T00:00:0${s}.000Z`),
      event(`b${s}y`, `2031-01-01T00:00:0${s}.000Z`),
    ]);
    for (const e of events) await store.appendEvent(e, { pending: false });
    const range = { from: '2031-01-01T00:00:01Z', to: '2031-01-01T00:00:04Z' };
    const inRange = ['b1x', 'b1y', 'b2x', 'b2y', 'b3x', 'b3y'];
    for (const limit of [1, 2, 3, 7]) {
      expect(await allPages((r) => store.listEvents(range, r), limit)).toEqual(inRange);
    }
    const first = await store.listEvents(range, { limit: 3 });
    expect(first.items.map((e) => e.id)).toEqual(['b1x', 'b1y', 'b2x']);
    // The window moved on past the cursor's event: it continues from its own start.
    const moved = await store.listEvents(
      { from: '2031-01-01T00:00:03Z', to: '2031-01-01T00:00:09Z' },
      { limit: 3, cursor: first.nextCursor },
    );
    expect(moved.items.map((e) => e.id)).toEqual(['b3x', 'b3y', 'b4x']);
    // The cursor's event is at or after `to`: the cursor was made for another range.
    for (const to of ['2031-01-01T00:00:02Z', '2031-01-01T00:00:01Z']) {
      await expect(
        store.listEvents({ from: '2031-01-01T00:00:00Z', to }, { cursor: first.nextCursor }),
      ).rejects.toMatchObject({ code: 'Validation', errors: [{ pointer: '/query/cursor' }] });
    }
    // A pending list's cursor is not one of the log's.
    await store.appendEvent(event('b-pending', '2031-01-01T00:00:01.000Z'));
    await store.appendEvent(event('b-pending2', '2031-01-01T00:00:02.000Z'));
    const pendingCursor = (await store.listPending({ limit: 1 })).nextCursor;
    expect(pendingCursor).toBeDefined();
    await expect(store.listEvents(range, { cursor: pendingCursor })).rejects.toMatchObject({
      code: 'Validation',
      errors: [{ pointer: '/query/cursor' }],
    });
    await store.completeEvent('b-pending');
    await store.completeEvent('b-pending2');
  });

  it('lists pending events across the shards and completes each from its own shard', async () => {
    const events = Array.from({ length: 20 }, (_, i) =>
      event(`p${i}`, `2032-01-01T00:00:${String(i % 5).padStart(2, '0')}.000Z`),
    );
    for (const e of events) await store.appendEvent(e);
    const shards = new Set(await Promise.all(events.map((e) => indexKeyOf(e.id, 'PENDING'))));
    expect([...shards].every((pk) => /^EVENTS_PENDING#[0-7]$/.test(String(pk)))).toBe(true);
    expect(shards.size).toBeGreaterThanOrEqual(4);
    const expected = ordered(events);
    for (const limit of [1, 2, 3, 7]) {
      expect(await allPages((r) => store.listPending(r), limit)).toEqual(expected);
    }
    const done = new Set(['p0', 'p3', 'p7', 'p11', 'p19']);
    for (const id of done) await store.completeEvent(id);
    for (const id of done) expect(await indexKeyOf(id, 'PENDING')).toBeUndefined();
    const left = expected.filter((id) => !done.has(id));
    for (const limit of [1, 3]) expect(await allPages((r) => store.listPending(r), limit)).toEqual(left);
    // The log keeps them.
    const range = { from: '2032-01-01T00:00:00Z', to: '2032-01-02T00:00:00Z' };
    expect(await allPages((r) => store.listEvents(range, r), 7)).toEqual(expected);
    for (const id of left) await store.completeEvent(id);
    expect((await store.listPending()).items).toEqual([]);
  });

  it('merges items of the unsharded partitions (written before the shards) in order with new ones', async () => {
    const legacy = Array.from({ length: 9 }, (_, i) => event(`old${i}`, `2033-01-01T00:00:0${i}.000Z`));
    const fresh = Array.from({ length: 9 }, (_, i) => event(`new${i}`, `2033-01-01T00:00:0${i}.000Z`));
    for (const e of legacy) await putLegacy(e, true);
    for (const e of fresh) await store.appendEvent(e);
    const range = { from: '2033-01-01T00:00:00Z', to: '2033-01-01T00:00:08Z' };
    const expected = ordered([...legacy, ...fresh].filter((e) => e.time < '2033-01-01T00:00:08'));
    for (const limit of [1, 2, 3, 7]) {
      expect(await allPages((r) => store.listEvents(range, r), limit)).toEqual(expected);
    }
    const allPending = ordered([...legacy, ...fresh]);
    for (const limit of [1, 2, 3, 7]) {
      expect(await allPages((r) => store.listPending(r), limit)).toEqual(allPending);
    }
    // A cursor made by the unsharded listing (its key's partition is `EVENTLOG`) still pages on.
    const oldCursor = Buffer.from(
      JSON.stringify({
        pk: 'EVENT#old2',
        sk: 'LOG',
        gsi1pk: 'EVENTLOG',
        gsi1sk: '2033-01-01T00:00:02.000Z#old2',
      }),
    ).toString('base64url');
    const next = await store.listEvents(range, { limit: 2, cursor: oldCursor });
    expect(next.items.map((e) => e.id)).toEqual(['new3', 'old3']);
    // Completing a legacy pending event deletes it from the unsharded partition.
    await store.completeEvent('old4');
    await store.completeEvent('new4');
    expect(await indexKeyOf('old4', 'PENDING')).toBeUndefined();
    expect(await allPages((r) => store.listPending(r), 3)).toEqual(
      allPending.filter((id) => id !== 'old4' && id !== 'new4'),
    );
    for (const id of allPending) await store.completeEvent(id);
  });

  it('stops a page where a shard cut short by the 1 MB query limit stops, and goes on from there', async () => {
    // Big events all in one shard: its query returns a few of them and a LastEvaluatedKey, while the
    // other shards' small events later in time must wait for the next page, not be listed early.
    const shard = eventShard('big-0');
    const bigIds = Array.from({ length: 200 }, (_, i) => `big-${i}`)
      .filter((id) => eventShard(id) === shard)
      .slice(0, 6);
    const padding = 'x'.repeat(300_000);
    const big = bigIds.map((id, i) => ({
      ...event(id, `2034-01-01T00:00:${String(2 * i).padStart(2, '0')}.000Z`),
      detail: { id, padding },
    }));
    const small = Array.from({ length: 60 }, (_, i) => `small-${i}`)
      .filter((id) => eventShard(id) !== shard)
      .slice(0, 12)
      .map((id, i) => event(id, `2034-01-01T00:00:${String(i + 1).padStart(2, '0')}.000Z`));
    for (const e of [...big, ...small]) await store.appendEvent(e, { pending: false });
    const range = { from: '2034-01-01T00:00:00Z', to: '2034-01-02T00:00:00Z' };
    const first = await store.listEvents(range, { limit: 20 });
    expect(first.items.length).toBeLessThan(big.length + small.length);
    expect(first.nextCursor).toBeDefined();
    const expected = ordered([...big, ...small]);
    expect(first.items.map((e) => e.id)).toEqual(expected.slice(0, first.items.length));
    for (const limit of [1, 3, 7, 20]) {
      expect(await allPages((r) => store.listEvents(range, r), limit, true)).toEqual(expected);
    }
  });

  it('pages concatenate to the sorted events for random times and limits', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ offset: fc.integer({ min: 0, max: 4 * 3_600_000 }), legacy: fc.boolean() }), {
          maxLength: 30,
        }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 4 * 3_600_000 }),
        async (specs, limit, fromOffset) => {
          run++;
          // Each run lists a window of its own day, so earlier runs' events stay out of it.
          const day = Date.UTC(2040, 0, 1) + run * 86_400_000;
          const events = specs.map((s, i) => ({
            e: event(`r${run}-${i}`, new Date(day + s.offset).toISOString()),
            legacy: s.legacy,
          }));
          for (const { e, legacy } of events) {
            if (legacy) await putLegacy(e, false);
            else await store.appendEvent(e, { pending: false });
          }
          const whole = { from: new Date(day).toISOString(), to: new Date(day + 86_400_000).toISOString() };
          expect(await allPages((r) => store.listEvents(whole, r), limit)).toEqual(
            ordered(events.map((x) => x.e)),
          );
          const part = {
            from: new Date(day + fromOffset).toISOString(),
            to: new Date(day + 2 * 3_600_000).toISOString(),
          };
          if (part.from < part.to) {
            const inPart = events.map((x) => x.e).filter((e) => e.time >= part.from && e.time < part.to);
            expect(await allPages((r) => store.listEvents(part, r), limit)).toEqual(ordered(inPart));
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);
});
