import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { checkEvent } from '../../lib/core/events/event-schema';
import { FileEventLog } from '../../lib/local/bus/file-event-log';
import type { PlatformEvent } from '../../lib/sdk/events';
import { loggedEvent } from '../fixtures/logged-event';

const dir = mkdtempSync(join(tmpdir(), 'plugboard-event-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event = (id: string, second: number): PlatformEvent =>
  loggedEvent(id, new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString());
const ids = (page: { items: PlatformEvent[] }) => page.items.map((e) => e.id);
const range = { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' };

/**
 * Reopens a log whose last line was torn after the event `whole`: only `whole` is pending, and what
 * is appended next is read back whole after a further reopen.
 */
async function expectTornTailSkipped(file: string): Promise<void> {
  const reopened = await FileEventLog.open({ file });
  expect(ids(await reopened.listPending())).toEqual(['whole']);
  await reopened.appendEvent(event('after', 3));
  await reopened.close();
  const again = await FileEventLog.open({ file });
  expect(ids(await again.listPending())).toEqual(['whole', 'after']);
  await again.close();
}

describe('FileEventLog', () => {
  it('logs idempotently, keeps events pending until completed, and pages oldest first', async () => {
    const file = join(dir, 'a.ndjson');
    const log = await FileEventLog.open({ file });
    for (const [i, id] of ['c', 'a', 'b'].entries()) await log.appendEvent(event(id, [3, 1, 2][i]!));
    await log.appendEvent(event('a', 1));
    expect(ids(await log.listPending())).toEqual(['a', 'b', 'c']);
    await log.completeEvent('b');
    await log.completeEvent('b');
    expect(ids(await log.listPending())).toEqual(['a', 'c']);
    const first = await log.listEvents(range, { limit: 2 });
    expect(ids(first)).toEqual(['a', 'b']);
    expect(ids(await log.listEvents(range, { limit: 2, cursor: first.nextCursor }))).toEqual(['c']);
    expect(ids(await log.listEvents({ from: event('b', 2).time, to: event('c', 3).time }))).toEqual(['b']);
    await expect(log.listEvents(range, { cursor: 'bm90LWEtbnVtYmVy' })).rejects.toThrow(/cursor/);
    await log.close();

    const reopened = await FileEventLog.open({ file });
    expect(ids(await reopened.listPending())).toEqual(['a', 'c']);
    expect(ids(await reopened.listEvents(range))).toEqual(['a', 'b', 'c']);
    await reopened.close();
  });

  it('writes the appends of one turn together, each acknowledged only once its line is in the file', async () => {
    const file = join(dir, 'group.ndjson');
    const log = await FileEventLog.open({ file });
    const appends = Array.from({ length: 50 }, (_, i) => log.appendEvent(event(`g${i}`, i)));
    expect(readFileSync(file, 'utf8')).toBe('');
    await Promise.all(appends);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(50);
    const unflushed = log.completeEvent('g0');
    await log.close();
    await unflushed;
    await expect(log.appendEvent(event('late', 1))).rejects.toThrow(/closed/);
    const reopened = await FileEventLog.open({ file });
    expect(ids(await reopened.listPending())).toHaveLength(49);
    await reopened.close();
  });

  it('skips a line torn by a kill mid-write', async () => {
    const file = join(dir, 'b.ndjson');
    const log = await FileEventLog.open({ file });
    await log.appendEvent(event('whole', 1));
    await log.close();
    appendFileSync(file, '{"op":"append","event":{"id":"torn","ti');
    await expectTornTailSkipped(file);
  });

  it('cuts a torn line longer than a megabyte, which a log of an earlier version can hold', async () => {
    const file = join(dir, 'b-long.ndjson');
    // Counted a byte each toward the 256 KB entry, written as six in the log's JSON (\u0001): an
    // earlier version's bus took it; the bus now refuses it for its JSON, and the log still copes.
    const resources = Array.from({ length: 100 }, () => '\u0001'.repeat(2048));
    const escaped = { ...event('escaped', 2), resources };
    expect(() => checkEvent(escaped)).toThrow(/bytes as JSON/);
    const log = await FileEventLog.open({ file });
    await log.appendEvent(event('whole', 1));
    await log.appendEvent(escaped);
    await log.close();
    const lines = readFileSync(file, 'utf8').split('\n');
    expect(Buffer.byteLength(lines[1]!)).toBeGreaterThan(1024 * 1024);
    // A kill mid-write left the long line without its last bytes.
    truncateSync(file, statSync(file).size - 1000);
    await expectTornTailSkipped(file);
  });

  it('keeps every pending event and the newest completed ones when it compacts', async () => {
    const file = join(dir, 'c.ndjson');
    const log = await FileEventLog.open({ file });
    for (let i = 0; i < 10; i++) await log.appendEvent(event(`e${i}`, i));
    for (let i = 1; i < 10; i++) await log.completeEvent(`e${i}`);
    await log.close();
    const compacted = await FileEventLog.open({ file, retain: 3 });
    expect(ids(await compacted.listEvents(range))).toEqual(['e0', 'e7', 'e8', 'e9']);
    expect(ids(await compacted.listPending())).toEqual(['e0']);
    await compacted.close();
    // e0's append, and one line each for the completed e7, e8 and e9.
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(4);
    const reopened = await FileEventLog.open({ file, retain: 3 });
    await reopened.completeEvent('e0');
    expect(ids(await reopened.listEvents(range))).toEqual(['e0', 'e8', 'e9']);
    await reopened.close();
  });
});

describe('FileEventLog with an event that has nothing to deliver', () => {
  it('logs it complete in one line, reads it back so, and counts it among the completed it retains', async () => {
    const file = join(dir, 'e.ndjson');
    const log = await FileEventLog.open({ file, retain: 2 });
    await log.appendEvent(event('pending', 0));
    for (let i = 1; i <= 3; i++) await log.appendEvent(event(`done${i}`, i), { pending: false });
    expect(ids(await log.listPending())).toEqual(['pending']);
    expect(ids(await log.listEvents(range))).toEqual(['pending', 'done2', 'done3']);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(4);
    await log.close();
    const reopened = await FileEventLog.open({ file, retain: 2 });
    expect(ids(await reopened.listPending())).toEqual(['pending']);
    expect(ids(await reopened.listEvents(range))).toEqual(['pending', 'done2', 'done3']);
    await reopened.close();
  });
});

describe('FileEventLog retention while running', () => {
  it('forgets the oldest completed events past `retain`, never a pending one', async () => {
    const log = await FileEventLog.open({ file: join(dir, 'd.ndjson'), retain: 2 });
    for (let i = 0; i < 6; i++) await log.appendEvent(event(`r${i}`, i));
    for (let i = 1; i < 6; i++) await log.completeEvent(`r${i}`);
    expect(ids(await log.listEvents(range))).toEqual(['r0', 'r4', 'r5']);
    expect(ids(await log.listPending())).toEqual(['r0']);
    await log.close();
  });
});

const at = (second: number) => event('x', second).time;
const cursorOf = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const refused = { code: 'Validation', errors: [{ pointer: '/query/cursor' }] };

describe('FileEventLog paging', () => {
  it('continues after the last event returned when an earlier event is logged between pages', async () => {
    const log = await FileEventLog.open({ file: join(dir, 'p1.ndjson') });
    for (let i = 1; i <= 6; i++) await log.appendEvent(event(`e${i}`, 10 + i));
    const first = await log.listEvents(range, { limit: 3 });
    expect(ids(first)).toEqual(['e1', 'e2', 'e3']);
    await log.appendEvent(event('earlier', 5));
    const second = await log.listEvents(range, { limit: 3, cursor: first.nextCursor });
    expect(ids(second)).toEqual(['e4', 'e5', 'e6']);
    expect(second.nextCursor).toBeUndefined();
    await log.close();
  });

  it('continues after the last event returned when retention evicts events between pages', async () => {
    const log = await FileEventLog.open({ file: join(dir, 'p2.ndjson'), retain: 4 });
    for (let i = 0; i < 4; i++) await log.appendEvent(event(`d${i}`, i), { pending: false });
    const first = await log.listEvents(range, { limit: 2 });
    expect(ids(first)).toEqual(['d0', 'd1']);
    for (let i = 4; i < 6; i++) await log.appendEvent(event(`d${i}`, i), { pending: false });
    const second = await log.listEvents(range, { limit: 2, cursor: first.nextCursor });
    expect(ids(second)).toEqual(['d2', 'd3']);
    expect(ids(await log.listEvents(range, { limit: 2, cursor: second.nextCursor }))).toEqual(['d4', 'd5']);
    await log.close();
  });

  it('continues when the window moves on past the last event returned', async () => {
    const log = await FileEventLog.open({ file: join(dir, 'p3.ndjson') });
    for (let i = 0; i < 6; i++) await log.appendEvent(event(`w${i}`, i));
    const first = await log.listEvents({ from: at(0), to: at(10) }, { limit: 3 });
    expect(ids(first)).toEqual(['w0', 'w1', 'w2']);
    for (const from of [1, 3]) {
      const moved = await log.listEvents(
        { from: at(from), to: at(11) },
        { limit: 3, cursor: first.nextCursor },
      );
      expect(ids(moved)).toEqual(['w3', 'w4', 'w5']);
    }
    await log.close();
  });

  it('pages pending events past those completed between pages', async () => {
    const log = await FileEventLog.open({ file: join(dir, 'p4.ndjson') });
    for (let i = 0; i < 6; i++) await log.appendEvent(event(`p${i}`, i));
    const first = await log.listPending({ limit: 2 });
    expect(ids(first)).toEqual(['p0', 'p1']);
    await log.completeEvent('p0');
    await log.completeEvent('p1');
    await log.completeEvent('p3');
    expect(ids(await log.listPending({ limit: 2, cursor: first.nextCursor }))).toEqual(['p2', 'p4']);
    await log.close();
  });

  it('orders events of one time by id as DynamoDB orders `<time>#<id>`, and pages through them', async () => {
    const log = await FileEventLog.open({ file: join(dir, 'p5.ndjson') });
    for (const id of ['b', 'B', 'a', '_', 'a-1']) await log.appendEvent(event(id, 1));
    const order = ['B', '_', 'a', 'a-1', 'b'];
    expect(ids(await log.listEvents(range))).toEqual(order);
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await log.listEvents(range, { limit: 1, cursor });
      paged.push(...ids(page));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(order);
    await log.close();
  });

  it('refuses a cursor it did not make for this list, or one past the end of the range', async () => {
    const log = await FileEventLog.open({ file: join(dir, 'p6.ndjson') });
    for (let i = 0; i < 4; i++) await log.appendEvent(event(`f${i}`, i));
    const logCursor = (await log.listEvents(range, { limit: 2 })).nextCursor;
    const pendingCursor = (await log.listPending({ limit: 2 })).nextCursor;
    expect(ids(await log.listEvents(range, { cursor: logCursor }))).toEqual(['f2', 'f3']);
    const forged = [
      'not-a-cursor',
      'not a cursor!',
      Buffer.from('3').toString('base64url'),
      pendingCursor,
      cursorOf({ time: at(1), id: 'f1' }),
      cursorOf(['log', at(1)]),
      cursorOf(['log', '2026-01-01T00:00:01Z', 'f1']),
      cursorOf(['log', 'yesterday', 'f1']),
      cursorOf(['log', at(1), '']),
      cursorOf(['log', at(1), 7]),
    ];
    for (const cursor of forged)
      await expect(log.listEvents(range, { cursor }), String(cursor)).rejects.toMatchObject(refused);
    await expect(log.listPending({ cursor: logCursor })).rejects.toMatchObject(refused);
    // The cursor names f1, at the end of a range that stops there.
    await expect(log.listEvents({ from: at(0), to: at(1) }, { cursor: logCursor })).rejects.toMatchObject(
      refused,
    );
    await log.close();
  });

  it('keeps its order over thousands of appends out of time order between reads, and retention past them', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 59 }), fc.boolean()), {
          minLength: 2_100,
          maxLength: 3_000,
        }),
        async (appends) => {
          const log = await FileEventLog.open({ file: join(dir, `many-${run++}.ndjson`), retain: 1_500 });
          await Promise.all(
            appends.map(([second, isPending], i) =>
              log.appendEvent(event(`m${i}`, second), { pending: isPending }),
            ),
          );
          const listed: PlatformEvent[] = [];
          let cursor: string | undefined;
          do {
            const page = await log.listEvents(range, { limit: 1000, cursor });
            listed.push(...page.items);
            cursor = page.nextCursor;
          } while (cursor);
          await log.close();
          const pendingCount = appends.filter(([, isPending]) => isPending).length;
          const completed = appends.flatMap(([, isPending], i) => (isPending ? [] : [`m${i}`]));
          // Every pending event, and the completed ones retention keeps: the last 1,500 to complete.
          const kept = new Set([
            ...appends.flatMap(([, isPending], i) => (isPending ? [`m${i}`] : [])),
            ...completed.slice(-1_500),
          ]);
          expect(listed).toHaveLength(pendingCount + Math.min(completed.length, 1_500));
          expect(listed.every((e) => kept.has(e.id))).toBe(true);
          for (let i = 1; i < listed.length; i++) {
            const [a, b] = [listed[i - 1]!, listed[i]!];
            expect(a.time < b.time || (a.time === b.time && a.id < b.id)).toBe(true);
          }
        },
      ),
      // A failing case of thousands of appends is shown as it was, not shrunk for minutes.
      { numRuns: 5, endOnFailure: true },
    );
  });

  it('never repeats an event nor skips one still logged, whatever happens between pages', async () => {
    const change = fc.oneof(
      fc.record({ append: fc.integer({ min: 0, max: 20 }), pending: fc.boolean() }),
      fc.record({ complete: fc.nat() }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('log', 'pending'),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.boolean()), { maxLength: 30 }),
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.array(change, { maxLength: 4 }), { maxLength: 20 }),
        async (list, initial, limit, changes) => {
          const log = await FileEventLog.open({ file: join(dir, `prop-${run++}.ndjson`), retain: 8 });
          const pending: string[] = [];
          let next = 0;
          const append = async (second: number, isPending: boolean) => {
            const id = `n${next++}`;
            if (isPending) pending.push(id);
            await log.appendEvent(event(id, second), { pending: isPending });
          };
          const read = (request: { limit?: number; cursor?: string | undefined }) =>
            list === 'log' ? log.listEvents(range, request) : log.listPending(request);
          for (const [second, isPending] of initial) await append(second, isPending);
          const before = ids(await read({ limit: 1000 }));
          const seen: PlatformEvent[] = [];
          let cursor: string | undefined;
          let turn = 0;
          do {
            const page = await read({ limit, cursor });
            seen.push(...page.items);
            cursor = page.nextCursor;
            for (const step of changes[turn++] ?? []) {
              if ('append' in step) await append(step.append, step.pending);
              else if (pending.length > 0)
                await log.completeEvent(pending.splice(step.complete % pending.length, 1)[0]!);
            }
          } while (cursor);
          const still = new Set(ids(await read({ limit: 1000 })));
          await log.close();
          for (let i = 1; i < seen.length; i++) {
            const [a, b] = [seen[i - 1]!, seen[i]!];
            expect(a.time < b.time || (a.time === b.time && a.id < b.id)).toBe(true);
          }
          expect(before.filter((id) => still.has(id) && !seen.some((e) => e.id === id))).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });
});
