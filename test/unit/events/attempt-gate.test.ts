import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AttemptGate } from '../../../lib/core/events/attempt-gate';

/** Lets the admitted waiters' continuations run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

interface Entrant {
  n: number;
  alone: boolean;
}

describe('AttemptGate', () => {
  it('lets one in alone or any number side by side, those waiting alone first and in turn, and strands none', async () => {
    const step = fc.oneof(
      fc.record({ op: fc.constant('enter' as const), alone: fc.boolean() }),
      fc.record({ op: fc.constant('leave' as const), which: fc.nat() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        const gate = new AttemptGate();
        const inside: Entrant[] = [];
        const waiting: Entrant[] = [];
        const aloneAdmitted: number[] = [];
        const problems: string[] = [];
        const admit = (entrant: Entrant) => {
          waiting.splice(waiting.indexOf(entrant), 1);
          if (!entrant.alone && waiting.some((w) => w.alone))
            problems.push(`${entrant.n} in side by side past one waiting alone`);
          if (entrant.alone) aloneAdmitted.push(entrant.n);
          inside.push(entrant);
        };
        let n = 0;
        // Then everyone inside leaves, one at a time, until none is left.
        const drain = Array.from({ length: steps.length }, () => ({ op: 'leave' as const, which: 0 }));
        for (const s of [...steps, ...drain]) {
          if (s.op === 'enter') {
            const entrant = { n: n++, alone: s.alone };
            waiting.push(entrant);
            const turn = gate.enter(s.alone);
            if (turn) void turn.then(() => admit(entrant));
            else admit(entrant);
          } else if (inside.length > 0) {
            const [leaving] = inside.splice(s.which % inside.length, 1);
            gate.leave(leaving!.alone);
          }
          await settle();
          if (inside.length > 1 && inside.some((one) => one.alone)) problems.push('one alone beside another');
          // None waits that the gate would let in.
          if (inside.length === 0 && waiting.length > 0) problems.push('the gate is free and some wait');
          if (
            inside.length > 0 &&
            !inside[0]!.alone &&
            waiting.some((w) => !w.alone) &&
            !waiting.some((w) => w.alone)
          )
            problems.push('one waits to go side by side with nothing ahead of it');
        }
        expect(problems).toEqual([]);
        expect(waiting).toEqual([]);
        expect(aloneAdmitted).toEqual([...aloneAdmitted].sort((a, b) => a - b));
      }),
      { numRuns: 300 },
    );
  });
});
