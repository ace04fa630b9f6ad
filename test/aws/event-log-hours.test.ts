import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbEventStore } from '../../lib/aws/dynamodb-event-store';
import { encodeCursor } from '../../lib/aws/page-cursor';
import type { TimeRange } from '../../lib/core/ports';
import {
  createDynamoClient,
  LOCAL_REGISTRY_TABLE,
  type LocalDynamo,
  startDynalite,
} from '../../lib/local/dynalite';
import type { PlatformEvent } from '../../lib/sdk/events';

const event = (id: string, time: string): PlatformEvent => ({
  version: '0',
  id,
  'detail-type': 'Thing Happened',
  source: 'test',
  account: '0',
  time,
  region: 'local',
  resources: [],
  detail: { id },
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
/** The log's order: time, then id, as the index's `<time>#<id>` sorts. */
const byLog = (a: PlatformEvent, b: PlatformEvent) => {
  const [x, y] = [`${a.time}#${a.id}`, `${b.time}#${b.id}`];
  return x < y ? -1 : x > y ? 1 : 0;
};

// The event log on AWS keeps each UTC hour of event time in its own index partition; these pin that
// a listing still pages the whole range in (time, id) order across the hours.
describe('DynamoDbEventStore log hours on dynalite', () => {
  let dynamo: LocalDynamo;
  let client: ReturnType<typeof createDynamoClient>;
  let store: DynamoDbEventStore;

  beforeAll(async () => {
    dynamo = await startDynalite({});
    client = createDynamoClient(dynamo.endpoint);
    store = new DynamoDbEventStore({ client, tableName: LOCAL_REGISTRY_TABLE });
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  const pages = async (range: TimeRange, limit: number, cursor?: string) => {
    const seen: string[][] = [];
    let next = cursor;
    do {
      const page = await store.listEvents(range, { limit, cursor: next });
      seen.push(page.items.map((e) => e.id));
      next = page.nextCursor;
      // A page carries a cursor only when events follow it: a full page that ends the range has none.
      if (next) expect(page.items).toHaveLength(limit);
    } while (next);
    return seen;
  };
  const gsi1pk = async (id: string) =>
    (
      await client.send(
        new GetItemCommand({
          TableName: LOCAL_REGISTRY_TABLE,
          Key: { pk: { S: `EVENT#${id}` }, sk: { S: 'LOG' } },
        }),
      )
    ).Item?.gsi1pk?.S;

  it('pages events hours and days apart, at the hours’ edges, in order with small limits', async () => {
    const times: [string, string][] = [
      ['a', '2026-03-01T00:00:00.000Z'],
      ['b', '2026-03-01T00:59:59.999Z'],
      ['c', '2026-03-01T01:00:00.000Z'],
      ['d2', '2026-03-01T01:00:00.000Z'],
      ['d1', '2026-03-01T01:00:00.000Z'],
      ['e', '2026-03-01T05:30:00.000Z'],
      ['f', '2026-03-02T23:59:59.999Z'],
      ['g', '2026-03-03T00:00:00.000Z'],
      ['h', '2026-03-04T00:00:00.000Z'],
    ];
    // Logged out of order: the order comes from the index, not from the writes.
    for (const [id, time] of [...times].reverse())
      await store.appendEvent(event(id, time), { pending: false });
    expect(await gsi1pk('a')).toBe('EVENTLOG#2026-03-01T00');
    expect(await gsi1pk('b')).toBe('EVENTLOG#2026-03-01T00');
    expect(await gsi1pk('c')).toBe('EVENTLOG#2026-03-01T01');
    expect(await gsi1pk('f')).toBe('EVENTLOG#2026-03-02T23');
    expect(await gsi1pk('g')).toBe('EVENTLOG#2026-03-03T00');

    // `to` at the start of an hour that holds an event: that event is left out, as BETWEEN had it.
    const range = { from: '2026-03-01T00:00:00.000Z', to: '2026-03-04T00:00:00.000Z' };
    const all = ['a', 'b', 'c', 'd1', 'd2', 'e', 'f', 'g'];
    for (const limit of [1, 2, 3, 8, 9, 100]) expect((await pages(range, limit)).flat()).toEqual(all);
    expect(await pages(range, 3)).toEqual([
      ['a', 'b', 'c'],
      ['d1', 'd2', 'e'],
      ['f', 'g'],
    ]);
    // A full last page has no cursor, even with empty hours after it in the range.
    expect(await pages({ ...range, to: '2026-03-03T12:00:00.000Z' }, 4)).toEqual([
      ['a', 'b', 'c', 'd1'],
      ['d2', 'e', 'f', 'g'],
    ]);
    // A range within the hours, starting and ending mid-hour.
    expect(
      (await pages({ from: '2026-03-01T00:30:00.000Z', to: '2026-03-02T23:59:59.999Z' }, 2)).flat(),
    ).toEqual(['b', 'c', 'd1', 'd2', 'e']);
    // Empty hours and days between events, and ranges with no event at all.
    expect((await pages({ from: '2026-03-01T06:00:00Z', to: '2026-03-02T23:00:00Z' }, 1)).flat()).toEqual([]);
    expect((await pages({ from: '2026-03-01T02:00:00Z', to: '2026-03-03T00:00:00.001Z' }, 1)).flat()).toEqual(
      ['e', 'f', 'g'],
    );
    expect((await pages({ from: '2026-03-05T00:00:00Z', to: '2026-03-09T00:00:00Z' }, 5)).flat()).toEqual([]);
    expect((await pages({ from: range.from, to: range.from }, 5)).flat()).toEqual([]);
  });

  it('continues a cursor across hours, from the start when the range moved past it, never past `to`', async () => {
    for (const [id, time] of [
      ['m1', '2026-04-01T10:59:59.000Z'],
      ['m2', '2026-04-01T11:00:00.000Z'],
      ['m3', '2026-04-01T13:00:00.000Z'],
      ['m4', '2026-04-02T13:00:00.000Z'],
    ] as const)
      await store.appendEvent(event(id, time));
    const range = { from: '2026-04-01T00:00:00Z', to: '2026-04-03T00:00:00Z' };
    const first = await store.listEvents(range, { limit: 1 });
    expect(first.items.map((e) => e.id)).toEqual(['m1']);
    // The cursor names the hour and the key where the page ended.
    const key = JSON.parse(Buffer.from(first.nextCursor ?? '', 'base64url').toString('utf8'));
    expect(key).toMatchObject({ gsi1pk: 'EVENTLOG#2026-04-01T10', gsi1sk: '2026-04-01T10:59:59.000Z#m1' });
    const second = await store.listEvents(range, { limit: 1, cursor: first.nextCursor });
    expect(second.items.map((e) => e.id)).toEqual(['m2']);
    // The range's start moved past the cursor's event (a default window, later): from its start.
    expect(
      (
        await store.listEvents({ from: '2026-04-01T12:00:00Z', to: range.to }, { cursor: first.nextCursor })
      ).items.map((e) => e.id),
    ).toEqual(['m3', 'm4']);
    // A cursor at or past `to` was made for another range.
    for (const to of ['2026-04-01T10:59:59.000Z', '2026-04-01T10:00:00Z'])
      await expect(
        store.listEvents({ from: range.from, to }, { cursor: first.nextCursor }),
      ).rejects.toMatchObject({ code: 'Validation', errors: [{ pointer: '/query/cursor' }] });
    // Just after it, the rest of its hour is still listed... and there is none.
    expect(
      (
        await store.listEvents(
          { from: range.from, to: '2026-04-01T10:59:59.001Z' },
          { cursor: first.nextCursor },
        )
      ).items,
    ).toEqual([]);
    // A cursor of another list, or one naming another hour than its key's, is refused.
    const pending = await store.listPending({ limit: 1 });
    expect(pending.nextCursor).toBeDefined();
    await expect(store.listEvents(range, { cursor: pending.nextCursor })).rejects.toMatchObject({
      errors: [{ pointer: '/query/cursor' }],
    });
    await expect(
      store.listEvents(range, {
        cursor: encodeCursor({ ...key, gsi1pk: 'EVENTLOG#2026-04-01T11' }),
      }),
    ).rejects.toMatchObject({ errors: [{ pointer: '/query/cursor' }] });
    // A cursor made before the hours (the one `EVENTLOG` partition) continues after its key.
    const before = encodeCursor({ ...key, gsi1pk: 'EVENTLOG' });
    expect((await pages(range, 1, before)).flat()).toEqual(['m2', 'm3', 'm4']);
  });

  it('does not list items of the one partition of before the hours', async () => {
    // Such items expire within the log's retention; listing reads only the hours.
    await client.send(
      new PutItemCommand({
        TableName: LOCAL_REGISTRY_TABLE,
        Item: {
          pk: { S: 'EVENT#legacy' },
          sk: { S: 'LOG' },
          gsi1pk: { S: 'EVENTLOG' },
          gsi1sk: { S: '2026-05-01T00:00:00.000Z#legacy' },
          data: { S: JSON.stringify(event('legacy', '2026-05-01T00:00:00.000Z')) },
        },
      }),
    );
    await store.appendEvent(event('new', '2026-05-01T00:00:01.000Z'), { pending: false });
    expect(
      (await store.listEvents({ from: '2026-05-01T00:00:00Z', to: '2026-05-02T00:00:00Z' })).items.map(
        (e) => e.id,
      ),
    ).toEqual(['new']);
  });

  it('pages random events over a few days into the sorted log, whatever the page size', async () => {
    let run = 0;
    const offset = fc.oneof(
      fc.integer({ min: 0, max: 4 * DAY - 1 }),
      // The edges of hours, where an event changes partition.
      fc.integer({ min: 0, max: 4 * 24 }).map((h) => Math.min(h * HOUR, 4 * DAY - 1)),
      fc.integer({ min: 1, max: 4 * 24 }).map((h) => h * HOUR - 1),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.record({ id: fc.stringMatching(/^[A-Za-z0-9_-]{1,6}$/), at: offset }), {
          selector: (e) => e.id,
          maxLength: 25,
        }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 0, max: 2 * DAY }),
        fc.integer({ min: 2 * DAY, max: 4 * DAY }),
        async (drawn, limit, fromAt, toAt) => {
          // Each run has its own ten days of the log and its own ids.
          const base = Date.parse('2027-01-01T00:00:00.000Z') + run * 10 * DAY;
          const prefix = `r${run++}-`;
          const events = drawn.map(({ id, at }) => event(`${prefix}${id}`, iso(base + at)));
          for (const e of events) await store.appendEvent(e, { pending: false });
          const range = { from: iso(base + fromAt), to: iso(base + toAt) };
          const expected = events
            .filter((e) => e.time >= range.from && e.time < range.to)
            .sort(byLog)
            .map((e) => e.id);
          expect((await pages(range, limit)).flat()).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
  }, 60_000);
});
