import { afterAll, describe, expect, it } from 'vitest';
import { killAll } from './child-platform';
import { runEventsUnderFaults } from './scenarios/events-under-faults';

afterAll(killAll);

describe('events under faults and a SIGKILL', () => {
  it('ends every delivery of every acknowledged event as one effect or one dead letter', async () => {
    const result = await runEventsUnderFaults({ events: 200, timeoutMs: 60_000 });
    console.log(
      `events under faults: ${result.events} events, ${result.delivered} delivered + ${result.deadLetters} DLQ = ${result.delivered + result.deadLetters} of ${result.expectedDeliveries} expected deliveries; ${result.duplicatesAbsorbed} duplicate deliveries absorbed; ${result.effectsBeforeKill} effects at flaky-a before the SIGKILL; ${result.seconds} s`,
    );
    expect(result.events).toBe(200);
    expect(result.missing).toBe(0);
    expect(result.inBoth).toBe(0);
    expect(result.delivered + result.deadLetters).toBe(result.expectedDeliveries);
    expect(result.deadLetters).toBe(result.expectedDeadLetters);
  }, 150_000);
});
