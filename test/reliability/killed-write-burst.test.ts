import { afterAll, describe, expect, it } from 'vitest';
import { killAll } from './child-platform';
import { runKilledWriteBurst } from './scenarios/killed-write-burst';

afterAll(killAll);

describe('the registry across a SIGKILL during a burst of writes', () => {
  it('opens cleanly and holds every acknowledged write', async () => {
    const result = await runKilledWriteBurst({ killAfter: 150 });
    console.log(
      `persistence: ${result.acknowledged} acknowledged creates before the SIGKILL, ${result.lost} lost, ${result.listed} listed after the restart, ${result.unreadable} unreadable, ${result.orphans} orphaned unacknowledged creates`,
    );
    expect(result.acknowledged).toBeGreaterThanOrEqual(150);
    expect(result.lost).toBe(0);
    expect(result.unreadable).toBe(0);
    expect(result.orphans).toBe(0);
  }, 120_000);
});
