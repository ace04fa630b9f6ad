import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FileEventLog } from '../../lib/local/bus/file-event-log';
import type { PlatformEvent } from '../../lib/sdk/events';
import { loggedEvent } from '../fixtures/logged-event';

const dir = mkdtempSync(join(tmpdir(), 'plugboard-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const event = (id: string, second: number): PlatformEvent =>
  loggedEvent(id, new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString());
const counts = (log: FileEventLog, ids: readonly string[]) =>
  Promise.all(ids.map((id) => log.interruptedAttempts(id)));
const lineCount = (file: string) => readFileSync(file, 'utf8').trim().split('\n').length;

describe('FileEventLog as the journal of deliveries', () => {
  it('counts the deliveries of a pending event that started and neither ended nor completed it', async () => {
    const file = join(dir, 'counts.ndjson');
    const log = await FileEventLog.open({ file });
    for (const [i, id] of ['twice', 'ended', 'done'].entries()) await log.appendEvent(event(id, i));
    await log.startAttempt('twice');
    await log.startAttempt('ended');
    await log.endAttempt('ended');
    await log.startAttempt('done');
    await log.completeEvent('done');
    await log.close();

    const reopened = await FileEventLog.open({ file });
    await reopened.startAttempt('twice');
    expect(await counts(reopened, ['twice', 'ended', 'done'])).toEqual([2, 0, 0]);
    // Nothing to note: a completed event, one never logged, an end without a start.
    const lines = lineCount(file);
    await reopened.startAttempt('done');
    await reopened.startAttempt('unknown');
    await reopened.endAttempt('ended');
    expect(lineCount(file)).toBe(lines);
    await reopened.close();
    const again = await FileEventLog.open({ file });
    expect(await counts(again, ['twice', 'ended', 'done', 'unknown'])).toEqual([2, 0, 0, 0]);
    await again.close();
  });

  it('writes a start in the group commit of its turn, and resolves once it is in the file', async () => {
    const file = join(dir, 'group.ndjson');
    const log = await FileEventLog.open({ file });
    await log.appendEvent(event('e', 1));
    const started = log.startAttempt('e');
    expect(lineCount(file)).toBe(1);
    await started;
    expect(readFileSync(file, 'utf8').trim().split('\n').at(-1)).toBe('{"op":"start","id":"e"}');
    await log.close();
  });

  it('reads a start torn by a kill mid-write as no start, and writes the next line whole', async () => {
    const file = join(dir, 'torn.ndjson');
    const log = await FileEventLog.open({ file });
    await log.appendEvent(event('e', 1));
    await log.startAttempt('e');
    await log.close();
    appendFileSync(file, '{"op":"start","id":"e');
    const reopened = await FileEventLog.open({ file });
    expect(await reopened.interruptedAttempts('e')).toBe(1);
    await reopened.startAttempt('e');
    await reopened.close();
    const again = await FileEventLog.open({ file });
    expect(await again.interruptedAttempts('e')).toBe(2);
    await again.close();
  });

  it('keeps the starts of pending events when it compacts', async () => {
    const file = join(dir, 'compact.ndjson');
    const log = await FileEventLog.open({ file });
    await log.appendEvent(event('pending', 0));
    await log.startAttempt('pending');
    await log.startAttempt('pending');
    for (let i = 1; i <= 3; i++) {
      await log.appendEvent(event(`done${i}`, i));
      await log.startAttempt(`done${i}`);
      await log.completeEvent(`done${i}`);
    }
    await log.close();
    const compacted = await FileEventLog.open({ file, retain: 1 });
    expect(await compacted.interruptedAttempts('pending')).toBe(2);
    await compacted.close();
    // The pending event's append and its two starts, and the one completed event retained.
    expect(lineCount(file)).toBe(4);
    const reopened = await FileEventLog.open({ file, retain: 1 });
    expect(await reopened.interruptedAttempts('pending')).toBe(2);
    await reopened.close();
  });

  it('agrees with a model of appends, starts, ends, completions, kills and reopens', async () => {
    const ids = ['a', 'b', 'c'] as const;
    const id = fc.constantFrom(...ids);
    const step = fc.oneof(
      fc.record({ op: fc.constantFrom('append', 'start', 'end', 'complete'), id }),
      fc.record({ op: fc.constant('reopen'), torn: fc.boolean(), retain: fc.integer({ min: 0, max: 1 }) }),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 10, maxLength: 60 }), async (steps) => {
        const file = join(dir, `model-${run++}.ndjson`);
        const pending = new Map<string, number>();
        const logged = new Set<string>();
        let log = await FileEventLog.open({ file });
        try {
          for (const s of steps) {
            if (s.op === 'reopen') {
              await log.close();
              if (s.torn) appendFileSync(file, '{"op":"start","i');
              log = await FileEventLog.open({ file, retain: s.retain });
            } else if (s.op === 'append') {
              // Once only: retention forgets a completed event, which could then be logged anew.
              if (logged.has(s.id)) continue;
              await log.appendEvent(event(s.id, ids.indexOf(s.id)));
              pending.set(s.id, 0);
              logged.add(s.id);
            } else if (s.op === 'start') {
              await log.startAttempt(s.id);
              if (pending.has(s.id)) pending.set(s.id, pending.get(s.id)! + 1);
            } else if (s.op === 'end') {
              await log.endAttempt(s.id);
              if (pending.get(s.id)) pending.set(s.id, pending.get(s.id)! - 1);
            } else {
              await log.completeEvent(s.id);
              pending.delete(s.id);
            }
            expect(await counts(log, ids)).toEqual(ids.map((each) => pending.get(each) ?? 0));
          }
          expect((await log.listPending()).items.map((e) => e.id)).toEqual(
            ids.filter((each) => pending.has(each)),
          );
        } finally {
          await log.close();
        }
      }),
      { numRuns: 100 },
    );
  });
});
