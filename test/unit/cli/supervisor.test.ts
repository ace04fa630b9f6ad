import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  callsClause,
  exitCodeOf,
  nextRestart,
  RESTART_LIMIT,
  RESTART_WINDOW_MS,
  readCallsUnderWay,
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

describe('naming the calls under way when the platform died', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plugboard-supervisor-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const now = Date.UTC(2026, 0, 1);
  const call = fc.record({
    plugin: fc.string(),
    instance: fc.string(),
    kind: fc.constantFrom('action', 'event', 'operation'),
    name: fc.string(),
    started: fc.integer({ min: now - 60_000, max: now }),
  });

  it('names each call the file left, quoted, with how long it had run, in the restart line', () => {
    const file = join(dir, 'calls-under-way.json');
    fc.assert(
      fc.property(fc.array(call, { minLength: 1, maxLength: 3 }), (calls) => {
        writeFileSync(file, JSON.stringify({ everyMs: 250, calls }));
        const clause = callsClause(readCallsUnderWay(file), now);
        const line = restartLine(
          null,
          'SIGABRT',
          { t: 'serving', port: 1, persists: true, scratch: [] },
          1,
          clause,
        );
        expect(line).toContain(
          '(nodejs/node#47224); calls under way then (those running for 250 ms or more): ',
        );
        for (const each of calls)
          expect(line).toContain(
            `plugin ${JSON.stringify(each.plugin)} (instance ${JSON.stringify(each.instance)}, ${each.kind} ${JSON.stringify(each.name)}, running for ${((now - each.started) / 1000).toFixed(1)} s)`,
          );
        // One line, whatever the names hold.
        expect(line).not.toMatch(/[\n\r]/);
      }),
    );
  });

  it('adds nothing when the file is missing, not JSON, or names no call', () => {
    const none = join(dir, 'none.json');
    writeFileSync(none, JSON.stringify({ everyMs: 250, calls: [] }));
    const torn = join(dir, 'torn.json');
    writeFileSync(torn, '{"everyMs":250,"calls":[{"plu');
    for (const file of [undefined, join(dir, 'missing.json'), none, torn])
      expect(callsClause(readCallsUnderWay(file), now)).toBe('');
  });
});
