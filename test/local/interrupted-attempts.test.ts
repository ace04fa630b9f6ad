import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as wait } from 'node:timers/promises';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { BuiltinTarget } from '../../lib/core/events/delivery-target';
import { EventRouter } from '../../lib/core/events/event-router';
import { INTERRUPTION_LIMIT, interruptedReason } from '../../lib/core/events/interrupted-delivery';
import type { Sleep } from '../../lib/core/events/retry-policy';
import type { SubscriptionService } from '../../lib/core/events/subscription-service';
import type { InvocationService } from '../../lib/core/invocation/invocation-service';
import type { DeadLetter, DeliveryJournal, EventStore } from '../../lib/core/ports';
import { FileEventLog } from '../../lib/local/bus/file-event-log';
import { loggedEvent } from '../fixtures/logged-event';

const dir = mkdtempSync(join(tmpdir(), 'plugboard-attempts-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ATTEMPTS = 3;
const BACKOFF_MS = 2;
const event = (i: number) => loggedEvent(`e${i}`, new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString());

/**
 * An event: in the log a process left, with the attempts it died in, or published that many ms into
 * the first life; how many of its attempts fail, and how long each takes, about a backoff here, so
 * that attempts and backoffs interleave.
 */
interface Plan {
  interrupted: number;
  publishedAt: number | undefined;
  failures: number;
  ms: number;
}

/** What outlives a process: the letters (in the registry), and what the subscriber and publisher saw. */
interface World {
  plans: readonly Plan[];
  letters: Map<string, DeadLetter>;
  delivered: Set<string>;
  acknowledged: Set<string>;
}

/** What one process saw: violations of the rules, and the log a kill left with the counts it must hold. */
interface Life {
  problems: string[];
  killed?: { file: string; expected: Map<string, number> };
}

/**
 * One process: recovery and delivery of the log's pending events, and the first life's publishes, by a
 * router whose journal is the file log, to a target failing each event's first `failures` attempts.
 * Backoffs last until the next wake-up of all sleepers, so an event that failed and was not woken
 * since is surely waiting one out. The process dies in the attempt `killAt`: the file is copied as it
 * is (lines not yet written are lost, as in a kill) and nothing after runs.
 */
async function live(file: string, world: World, first: boolean, killAt?: number): Promise<Life> {
  const log = await FileEventLog.open({ file });
  const ids = world.plans.map((_, i) => `e${i}`);
  const prior = new Map<string, number>();
  for (const id of ids) prior.set(id, await log.interruptedAttempts(id));
  const problems: string[] = [];
  const inAttempt = new Set<string>();
  /** Failed an attempt with another to come, and not woken since. */
  const backingOff = new Set<string>();
  /**
   * Whose last attempt's end is written: the router awaits that before it sleeps, but a kill between
   * the failure and the written end may count the attempt, as its end was never noted.
   */
  const endWritten = new Set<string>();
  const journal: DeliveryJournal = {
    startAttempt: (id) => {
      endWritten.delete(id);
      return log.startAttempt(id);
    },
    interruptedAttempts: (id) => log.interruptedAttempts(id),
    async endAttempt(id) {
      await log.endAttempt(id);
      endWritten.add(id);
    },
  };
  const sleepers: (() => void)[] = [];
  let dead = false;
  let calls = 0;
  let died: (life: Life) => void = () => undefined;
  const death = new Promise<Life>((resolve) => {
    died = resolve;
  });
  const forever = new Promise<never>(() => undefined);
  const sleep: Sleep = (_ms, signal) =>
    dead
      ? forever
      : new Promise((resolve, reject) => {
          sleepers.push(resolve);
          signal.addEventListener('abort', reject);
        });
  const waking = setInterval(() => {
    backingOff.clear();
    for (const wake of sleepers.splice(0)) wake();
  }, BACKOFF_MS);

  const target: BuiltinTarget = {
    id: 'flaky',
    applies: () => true,
    async deliver({ event: { id }, attempt }) {
      if (dead) return forever;
      const plan = world.plans[ids.indexOf(id)]!;
      const alone = [...inAttempt, id].some((each) => prior.get(each)! > 0);
      if (alone && inAttempt.size > 0) problems.push(`${id} attempted beside ${[...inAttempt]}`);
      inAttempt.add(id);
      const asleep = [...backingOff];
      const count = await log.interruptedAttempts(id);
      if (count !== prior.get(id)! + 1) problems.push(`${id} counted ${count} in its attempt`);
      await wait(plan.ms);
      if (dead) return forever;
      const stillAsleep = asleep.filter((each) => backingOff.has(each));
      for (const other of stillAsleep) {
        const count = await log.interruptedAttempts(other);
        if (count !== prior.get(other)) problems.push(`${other} counted ${count} in its backoff`);
      }
      if (++calls === killAt) {
        dead = true;
        const copy = `${file}.killed`;
        copyFileSync(file, copy);
        const expected = new Map<string, number>();
        for (const each of inAttempt) expected.set(each, prior.get(each)! + 1);
        for (const each of stillAsleep) if (endWritten.has(each)) expected.set(each, prior.get(each)!);
        died({ problems, killed: { file: copy, expected } });
        return forever;
      }
      inAttempt.delete(id);
      if (attempt <= plan.failures) {
        if (attempt < ATTEMPTS) backingOff.add(id);
        throw new Error('refused');
      }
      world.delivered.add(id);
    },
  };
  const router = new EventRouter({
    store: {
      listPending: (request) => log.listPending(request),
      completeEvent: (id) => log.completeEvent(id),
      putDeadLetter: async (letter) => void world.letters.set(letter.id, letter),
    } as EventStore,
    subscriptions: { match: async () => [], matchIfLoaded: () => [] } as unknown as SubscriptionService,
    invocations: {} as InvocationService,
    builtins: [target],
    retry: { attempts: ATTEMPTS },
    sleep,
    journal,
  });
  const publishes = first
    ? world.plans.flatMap(({ publishedAt }, i) =>
        publishedAt === undefined
          ? []
          : [
              (async () => {
                await wait(publishedAt);
                if (dead) return;
                await log.appendEvent(event(i));
                if (dead) return;
                world.acknowledged.add(`e${i}`);
                router.dispatch(event(i));
              })(),
            ],
      )
    : [];
  const lived = (async (): Promise<Life> => {
    await router.recover();
    await Promise.all(publishes);
    await router.idle();
    return { problems };
  })();
  const life = await Promise.race([lived, death]);
  clearInterval(waking);
  if (!life.killed) await router.stop();
  await log.close();
  for (const id of ids)
    if (prior.get(id)! >= INTERRUPTION_LIMIT && !life.killed) {
      const letter = world.letters.get(`${id}:flaky`);
      if (letter?.reason !== interruptedReason(prior.get(id)!))
        problems.push(`${id} interrupted ${prior.get(id)} times was lettered as ${letter?.reason}`);
    }
  return life;
}

describe('the router noting its attempts in the file log', () => {
  it('counts an event interrupted only when the process dies in its own attempt, and runs an interrupted one alone', async () => {
    const plan = fc.record({
      interrupted: fc.integer({ min: 0, max: INTERRUPTION_LIMIT }),
      publishedAt: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
      failures: fc.integer({ min: 0, max: ATTEMPTS }),
      ms: fc.integer({ min: 0, max: 4 }),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(plan, { minLength: 1, maxLength: 6 }),
        fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
        async (plans, killAt) => {
          const file = join(dir, `run-${run++}.ndjson`);
          const world: World = { plans, letters: new Map(), delivered: new Set(), acknowledged: new Set() };
          const log = await FileEventLog.open({ file });
          for (const [i, { interrupted, publishedAt }] of plans.entries()) {
            if (publishedAt !== undefined) continue;
            await log.appendEvent(event(i));
            world.acknowledged.add(`e${i}`);
            for (let n = 0; n < interrupted; n++) await log.startAttempt(`e${i}`);
          }
          await log.close();

          const first = await live(file, world, true, killAt);
          expect(first.problems).toEqual([]);
          if (first.killed) {
            const restarted = await FileEventLog.open({ file: first.killed.file });
            for (const [id, count] of first.killed.expected)
              expect([id, await restarted.interruptedAttempts(id)]).toEqual([id, count]);
            await restarted.close();
            const second = await live(first.killed.file, world, false);
            expect(second.problems).toEqual([]);
          }

          // Every acknowledged event delivered or dead-lettered, for its failures or its
          // interruptions; none pending.
          const after = await FileEventLog.open({ file: first.killed?.file ?? file });
          expect((await after.listPending()).items).toEqual([]);
          await after.close();
          for (const [i, { failures }] of plans.entries()) {
            if (!world.acknowledged.has(`e${i}`)) continue;
            const letter = world.letters.get(`e${i}:flaky`);
            if (letter?.reason === 'refused') expect(failures).toBe(ATTEMPTS);
            else if (letter) expect(letter.reason).toBe(interruptedReason(letter.attempts));
            else expect(world.delivered.has(`e${i}`)).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);
});
