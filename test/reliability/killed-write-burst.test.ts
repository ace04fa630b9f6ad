import { afterAll, describe, expect, it } from 'vitest';
import { killAll } from './child-platform';
import { runKilledWriteBurst } from './scenarios/killed-write-burst';

afterAll(killAll);

describe('the registry across a SIGKILL during a burst of writes', () => {
  it("opens cleanly, holds every acknowledged write, and has every instance's Instance Created in the event log", async () => {
    const result = await runKilledWriteBurst({ killAfter: 150 });
    console.log(
      `persistence: ${result.acknowledged} acknowledged creates before the SIGKILL, ${result.lost} lost, ${result.listed} listed after the restart, ${result.unreadable} unreadable, ${result.orphans} orphaned unacknowledged creates, ${result.unannounced} without their Instance Created, ${result.phantoms} Instance Created of no instance`,
    );
    expect(result.acknowledged).toBeGreaterThanOrEqual(150);
    expect(result.lost).toBe(0);
    expect(result.unreadable).toBe(0);
    expect(result.orphans).toBe(0);
    expect(result.unannounced).toBe(0);
    expect(result.phantoms).toBe(0);
    expect(result.announcedTwice).toBe(0);
  }, 120_000);
});
