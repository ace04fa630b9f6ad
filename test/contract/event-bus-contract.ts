import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { EventBus, TimeRange } from '../../lib/core/ports';
import type { PlatformEvent } from '../../lib/sdk/events';
import { ENTRY_LIMIT, padTo } from '../fixtures/entry-size';
import { type CaseMarks, caseRunner, rejectionOf } from './contract-cases';

export interface EventBusUnderTest {
  bus: EventBus;
  /** What reached the bus's log with a time in the range, oldest first. */
  logged(range: TimeRange): Promise<PlatformEvent[]>;
  close(): Promise<void>;
}

export type EventBusCase =
  | 'nothing'
  | 'ids-in-order'
  | 'invalid-event'
  | 'many-events'
  | 'large-events'
  | 'oversized-event'
  | 'entry-at-limit';

/**
 * Each case publishes into its own minute of a year no other test writes, so what the log holds for
 * that minute is what the case published, however the cases are ordered.
 */
const minute = (n: number): TimeRange => ({
  from: new Date(Date.UTC(2031, 0, 1, 0, n)).toISOString(),
  to: new Date(Date.UTC(2031, 0, 1, 0, n + 1)).toISOString(),
});
/** One ms apart, so the log's oldest-first order is the published order. */
const at = (range: TimeRange, i: number) => new Date(Date.parse(range.from) + i).toISOString();

/** Not a `plugboard` source: those are the platform's, and the EventBridge stand-in refuses callers them. */
const SOURCE = 'contract.test';

const event = (range: TimeRange, i: number, detail: Record<string, unknown> = { i }): PlatformEvent => ({
  version: '0',
  id: `contract-${Date.parse(range.from)}-${i}`,
  'detail-type': 'Contract Checked',
  source: SOURCE,
  account: '000000000000',
  time: at(range, i),
  region: 'local',
  resources: [`arn:aws:plugboard:local:000000000000:contract/${i}`],
  detail,
});

/** What every bus keeps of an event: the adapter may name it (EventBridge does) and stamp its own account. */
const kept = ({ source, 'detail-type': detailType, time, resources, detail }: PlatformEvent) => ({
  source,
  'detail-type': detailType,
  time,
  resources,
  detail,
});

/**
 * One EventBus contract, run against every EventBus: what `publish` promises the core. Each event is
 * on the bus, under the id it answered, in order, once the call returns; a call with one bad event
 * puts none on the bus, whatever the adapter's batching; the limits are EventBridge's.
 */
export function eventBusContract(
  label: string,
  open: () => Promise<EventBusUnderTest>,
  marks: CaseMarks<EventBusCase> = {},
): void {
  const run = caseRunner(marks);
  describe(`EventBus contract: ${label}`, () => {
    let subject: EventBusUnderTest;
    beforeAll(async () => {
      subject = await open();
    });
    afterAll(() => subject?.close());

    /** Publishes and checks that the log holds exactly these events, under the answered ids, in order. */
    async function publishedAndLogged(range: TimeRange, events: PlatformEvent[]) {
      const ids = await subject.bus.publish(events);
      expect(ids).toHaveLength(events.length);
      expect(new Set(ids).size).toBe(ids.length);
      for (const id of ids) expect(id).toMatch(/^[\x21-\x7e]{1,128}$/);
      const logged = await subject.logged(range);
      expect(logged.map((e) => e.id)).toEqual(ids);
      expect(logged.map(kept)).toEqual(events.map(kept));
      return ids;
    }

    run('nothing', 'answers no ids for no events', async () => {
      expect(await subject.bus.publish([])).toEqual([]);
    });

    run('ids-in-order', 'answers one id per event, in order, each naming the event on the bus', async () => {
      const range = minute(1);
      await publishedAndLogged(range, [
        event(range, 0, { text: 'héllo ✓ 中文 🚀', nested: { list: [1, null, true, { deep: 'x' }] } }),
        event(range, 1, {}),
        event(range, 2, { escapes: 'quote " backslash \\ newline \n' }),
      ]);
    });

    run(
      'invalid-event',
      'refuses an invalid event with Validation naming its field, and publishes none',
      async () => {
        const range = minute(2);
        const bad = (i: number, change: Partial<Record<keyof PlatformEvent, unknown>>) =>
          ({ ...event(range, i), ...change }) as PlatformEvent;
        const cases: [PlatformEvent[], string][] = [
          [[event(range, 0), bad(1, { 'detail-type': '' })], '/1/detail-type'],
          [[event(range, 0), bad(1, { detail: ['not', 'an', 'object'] })], '/1/detail'],
          [[bad(0, { time: 'yesterday' }), event(range, 1)], '/0/time'],
          [[bad(0, { source: 'x'.repeat(257) })], '/source'],
          // Past the first PutEvents' ten entries: nothing in the first batch goes either.
          [
            [...Array.from({ length: 12 }, (_, i) => event(range, i)), bad(12, { resources: 'one' })],
            '/12/resources',
          ],
        ];
        for (const [events, pointer] of cases) {
          const error = await rejectionOf(subject.bus.publish(events));
          expect(error.code).toBe('Validation');
          expect(error.errors?.map((e) => e.pointer)).toContain(pointer);
        }
        expect(await subject.logged(range)).toEqual([]);
      },
    );

    run(
      'many-events',
      'publishes more events than one PutEvents takes (10), every one, in order',
      async () => {
        const range = minute(3);
        await publishedAndLogged(
          range,
          Array.from({ length: 25 }, (_, i) => event(range, i)),
        );
      },
    );

    run(
      'large-events',
      'publishes events up to 256 KB each that together are more than one PutEvents takes',
      async () => {
        const range = minute(4);
        // Near 120 KB each as JSON: quotes escape to two bytes, "é" is two bytes in UTF-8.
        await publishedAndLogged(range, [
          event(range, 0, { quotes: '"'.repeat(60_000) }),
          event(range, 1, { accents: 'é'.repeat(60_000) }),
          event(range, 2, { quotes: '"'.repeat(60_000) }),
        ]);
      },
    );

    run(
      'oversized-event',
      'refuses an event over 256 KB with Validation naming it, and publishes none',
      async () => {
        const range = minute(5);
        const error = await rejectionOf(
          subject.bus.publish([event(range, 0), event(range, 1, { pad: 'x'.repeat(256 * 1024) })]),
        );
        expect(error.code).toBe('Validation');
        expect(error.errors?.map((e) => e.pointer)).toEqual(['/1']);
        expect(await subject.logged(range)).toEqual([]);
      },
    );

    run(
      'entry-at-limit',
      'takes an event whose PutEvents entry is exactly 256 KB, as EventBridge counts it, and refuses one a byte over',
      async () => {
        const range = minute(6);
        // Multi-byte text, so a count of characters rather than bytes would take the larger one.
        const sized = (i: number, bytes: number) => {
          const base = event(range, i, { pad: '' });
          return event(range, i, { pad: padTo(base, bytes, 'é') });
        };
        await publishedAndLogged(range, [sized(0, ENTRY_LIMIT)]);
        const error = await rejectionOf(subject.bus.publish([sized(1, ENTRY_LIMIT + 1)]));
        expect(error.code).toBe('Validation');
        expect(error.errors).toEqual([
          { pointer: '', detail: expect.stringContaining(`${ENTRY_LIMIT + 1} bytes`) },
        ]);
        expect(await subject.logged(range)).toHaveLength(1);
      },
    );
  });
}
