import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileEventLog } from '../../lib/local/bus/file-event-log';
import type { PlatformEvent } from '../../lib/sdk/events';

const dir = mkdtempSync(join(tmpdir(), 'plugboard-event-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event = (id: string, second: number): PlatformEvent => ({
  version: '0',
  id,
  'detail-type': 'Thing Happened',
  source: 'test',
  account: '0',
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
  region: 'local',
  resources: [],
  detail: { id },
});
const ids = (page: { items: PlatformEvent[] }) => page.items.map((e) => e.id);
const range = { from: '2026-01-01T00:00:00.000Z', to: '2026-01-02T00:00:00.000Z' };

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
    const reopened = await FileEventLog.open({ file });
    expect(ids(await reopened.listPending())).toEqual(['whole']);
    await reopened.appendEvent(event('after', 2));
    await reopened.close();
    const again = await FileEventLog.open({ file });
    expect(ids(await again.listPending())).toEqual(['whole', 'after']);
    await again.close();
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
