import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  exitCodeOf,
  nextRestart,
  RESTART_LIMIT,
  RESTART_WINDOW_MS,
  restartLine,
  withPort,
} from '../../../lib/cli/supervisor.mjs';

/** The restarts a supervisor makes for deaths at these times, as it decides them. */
function restartsFor(deaths: readonly number[]): number[] {
  const restarts: number[] = [];
  for (const at of deaths) if (nextRestart(restarts, at) !== undefined) restarts.push(at);
  return restarts;
}

const deathTimes = fc
  .array(fc.integer({ min: 0, max: 4 * RESTART_WINDOW_MS }), { maxLength: 30 })
  .map((times) => [...times].sort((a, b) => a - b));

describe('the restart budget', () => {
  it('never restarts more than the limit within any window', () => {
    fc.assert(
      fc.property(deathTimes, (deaths) => {
        const restarts = restartsFor(deaths);
        for (const from of restarts) {
          const within = restarts.filter((at) => at >= from && at - from < RESTART_WINDOW_MS);
          expect(within.length).toBeLessThanOrEqual(RESTART_LIMIT);
        }
      }),
    );
  });

  it('refuses a restart only when the limit was reached within the window before it', () => {
    fc.assert(
      fc.property(deathTimes, fc.integer({ min: 0, max: 4 * RESTART_WINDOW_MS }), (deaths, later) => {
        const restarts = restartsFor(deaths);
        const now = (deaths.at(-1) ?? 0) + later;
        const recent = restarts.filter((at) => now - at < RESTART_WINDOW_MS).length;
        expect(nextRestart(restarts, now)).toBe(recent < RESTART_LIMIT ? recent + 1 : undefined);
      }),
    );
  });
});

describe('withPort', () => {
  it('adds the port last among the options, where it wins, and changes nothing else', () => {
    const arg = fc.oneof(fc.constantFrom('--', '--port', '0', '--memory', 'start'), fc.string());
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 8 }), fc.integer({ min: 1, max: 65_535 }), (args, port) => {
        const given = withPort(args, port);
        const end = args.indexOf('--');
        const at = end === -1 ? args.length : end;
        expect(given.slice(at, at + 2)).toEqual(['--port', String(port)]);
        expect([...given.slice(0, at), ...given.slice(at + 2)]).toEqual(args);
      }),
    );
  });
});

describe('how the supervisor tells of a death', () => {
  const serving = { t: 'serving' as const, port: 4680, persists: true, scratch: [] };

  it('exits as a shell reports the child: its code, or 128 and its signal', () => {
    expect(exitCodeOf(1, null)).toBe(1);
    expect(exitCodeOf(null, 'SIGABRT')).toBe(134);
    expect(exitCodeOf(null, 'SIGINT')).toBe(130);
  });

  it('names the Node issue for an abort only, and says what became of the state', () => {
    const abort = restartLine(null, 'SIGABRT', serving, 1);
    expect(abort).toContain('the platform process aborted (SIGABRT)');
    expect(abort).toContain('nodejs/node#47224');
    expect(abort).toContain('restarting it on port 4680 (restart 1 of at most 3 in 5 minutes)');
    expect(abort).toContain('its state on disk is kept');
    const killed = restartLine(null, 'SIGKILL', { ...serving, persists: false }, 2);
    expect(killed).toContain('the platform process was killed (SIGKILL); restarting');
    expect(killed).not.toContain('nodejs/node');
    expect(killed).toContain('its state was in memory and is gone, its token too');
    expect(restartLine(1, null, serving, 3)).toContain('the platform process exited with code 1; restarting');
  });
});
