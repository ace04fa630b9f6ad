// @ts-check
// JavaScript rather than TypeScript: the supervisor runs before any loader or build, so that its
// process stays a bare node process; the platform's modules, tsx and esbuild load in the child only.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { constants } from 'node:os';

/** Set in the environment of the process a supervisor runs: it reports over its IPC channel. */
export const SUPERVISED_ENV = 'PLUGBOARD_SUPERVISED';

/** The commands that serve the platform, run under a supervisor. */
const SERVING_COMMANDS = ['start', 'dev'];

/** Restarts allowed within RESTART_WINDOW_MS; a platform that dies once more is not restarted. */
export const RESTART_LIMIT = 3;
export const RESTART_WINDOW_MS = 5 * 60_000;

/**
 * What the platform's process tells its supervisor once it serves.
 * @typedef {object} Serving
 * @property {'serving'} t
 * @property {number} port the port it listens on, which a restart takes again
 * @property {boolean} persists whether its state is on disk, to be found again by a restart
 * @property {string[]} scratch folders of its own that its stop removes, and so an abort leaves behind
 * @property {string} [callsUnderWay] the file where it keeps the calls its plugins' workers have run
 * for a while (lib/local/calls-under-way.ts), which names them when it dies
 */

/**
 * A call that file names.
 * @typedef {object} CallUnderWay
 * @property {string} plugin
 * @property {string} instance
 * @property {string} kind
 * @property {string} name
 * @property {number} started epoch milliseconds
 */

/**
 * Whether `argv` (the CLI's arguments, the command first) runs a command that serves the platform, in
 * a process no supervisor runs yet.
 * @param {readonly string[]} argv
 */
export function needsSupervisor(argv) {
  return SERVING_COMMANDS.includes(argv[0] ?? '') && process.env[SUPERVISED_ENV] === undefined;
}

/**
 * Which restart within the window one now would be (1 for the first), or undefined when
 * RESTART_LIMIT of them happened within the last RESTART_WINDOW_MS already.
 * @param {readonly number[]} restarts when the earlier restarts happened, in ms
 * @param {number} now
 */
export function nextRestart(restarts, now) {
  const recent = restarts.filter((at) => now - at < RESTART_WINDOW_MS).length;
  return recent < RESTART_LIMIT ? recent + 1 : undefined;
}

/**
 * The arguments again with `--port <port>`: last, so that it wins over a port given before, and
 * before a `--` after which nothing is an option.
 * @param {readonly string[]} args
 * @param {number} port
 */
export function withPort(args, port) {
  const end = args.indexOf('--');
  const at = end === -1 ? args.length : end;
  return [...args.slice(0, at), '--port', String(port), ...args.slice(at)];
}

/**
 * How a process ended, as a sentence's predicate.
 * @param {number | null} code
 * @param {NodeJS.Signals | null} signal
 */
function howItEnded(code, signal) {
  if (signal === 'SIGABRT') return 'aborted (SIGABRT)';
  if (signal) return `was killed (${signal})`;
  return `exited with code ${code}`;
}

/**
 * The exit code a shell gives a process that ended so.
 * @param {number | null} code
 * @param {NodeJS.Signals | null} signal
 */
export function exitCodeOf(code, signal) {
  return code ?? 128 + (signal ? constants.signals[signal] : 0);
}

/**
 * The calls a dead platform's process left named in its file (see `Serving`): none when it left no
 * file, or one that cannot be read.
 * @param {string | undefined} file
 * @returns {{ everyMs: number, calls: CallUnderWay[] }}
 */
export function readCallsUnderWay(file) {
  try {
    const { everyMs, calls } = JSON.parse(readFileSync(file ?? '', 'utf8'));
    if (typeof everyMs === 'number' && Array.isArray(calls)) return { everyMs, calls };
  } catch {
    // No file: no call had run for long.
  }
  return { everyMs: 0, calls: [] };
}

/**
 * How a death's line names the calls under way when the process died, as last seen: each had run
 * for `everyMs` or more, and was seen at most `everyMs` before the death. Empty when there were none.
 * @param {{ everyMs: number, calls: readonly CallUnderWay[] }} seen
 * @param {number} now when the death was noticed, in epoch milliseconds
 */
export function callsClause({ everyMs, calls }, now) {
  if (calls.length === 0) return '';
  const seconds = (/** @type {number} */ ms) => `${(ms / 1000).toFixed(1)} s`;
  const named = calls.map(
    (call) =>
      `plugin ${JSON.stringify(call.plugin)} (instance ${JSON.stringify(call.instance)}, ${call.kind} ${JSON.stringify(call.name)}, running for ${seconds(now - call.started)})`,
  );
  return `; calls under way then (those running for ${everyMs} ms or more): ${named.join(', ')}`;
}

/**
 * The line a restart prints.
 * @param {number | null} code
 * @param {NodeJS.Signals | null} signal
 * @param {Serving} serving what the process that died said
 * @param {number} restart how many restarts this one makes within the window
 * @param {string} [calls] the calls under way when it died (`callsClause`)
 */
export function restartLine(code, signal, serving, restart, calls = '') {
  const cause =
    signal === 'SIGABRT'
      ? ": a plugin's worker that runs out of memory can abort the whole process, where Node cannot contain it (nodejs/node#47224)"
      : '';
  const state = serving.persists
    ? 'its state on disk is kept'
    : 'its state was in memory and is gone, its token too (the banner below names the new one)';
  return `plugboard: the platform process ${howItEnded(code, signal)}${cause}${calls}; restarting it on port ${serving.port} (restart ${restart} of at most ${RESTART_LIMIT} in ${RESTART_WINDOW_MS / 60_000} minutes); ${state}`;
}

/** @param {unknown} message @returns {message is Serving} */
const isServing = (message) =>
  typeof message === 'object' && message !== null && 't' in message && message.t === 'serving';

/**
 * Runs `node ...command` (a script and its arguments; its command takes `--port`) as a child with
 * the terminal passed through, and runs it again, on the port it had, when it dies by itself after it
 * served: one plugin's worker can abort the whole process (see `restartLine`). A child that has not
 * served yet, or that exits 0 (someone stopped it), is not restarted: this process exits as it did.
 * SIGINT and SIGTERM go on to the child, and this process then exits as the child does.
 * @param {readonly string[]} command
 */
export function supervise(command) {
  /** @type {number[]} */
  const restarts = [];
  let stopping = false;
  /** @type {import('node:child_process').ChildProcess | undefined} */
  let child;
  /** @param {readonly string[]} args */
  const run = (args) => {
    /** @type {Serving | undefined} */
    let serving;
    child = spawn(process.execPath, [...process.execArgv, ...args], {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, [SUPERVISED_ENV]: '1' },
    });
    child.on('message', (message) => {
      if (isServing(message)) serving = message;
    });
    child.once('exit', (code, signal) => {
      // Read before the scratch folders go: the file is in the data folder, which may be one of them.
      const calls = callsClause(readCallsUnderWay(serving?.callsUnderWay), Date.now());
      for (const dir of serving?.scratch ?? []) rmSync(dir, { recursive: true, force: true });
      /** Ends as the child did: the exit code is set rather than exited with, so no output is cut short. */
      const end = (/** @type {string | undefined} */ line) => {
        if (line) console.error(line);
        process.exitCode = exitCodeOf(code, signal);
      };
      if (stopping || code === 0) return end(undefined);
      const how = howItEnded(code, signal);
      if (!serving)
        return end(
          restarts.length > 0
            ? `plugboard: the restarted platform process ${how} before it served; not restarting it again`
            : undefined,
        );
      const now = Date.now();
      const restart = nextRestart(restarts, now);
      if (restart === undefined)
        return end(
          `plugboard: the platform process ${how} again, after ${RESTART_LIMIT} restarts in ${RESTART_WINDOW_MS / 60_000} minutes; not restarting it again${calls}`,
        );
      restarts.push(now);
      console.error(restartLine(code, signal, serving, restart, calls));
      run(withPort(command, serving.port));
    });
  };
  /** @param {NodeJS.Signals} signal */
  const relay = (signal) => {
    stopping = true;
    child?.kill(signal);
  };
  process.on('SIGINT', relay);
  process.on('SIGTERM', relay);
  run(command);
}
