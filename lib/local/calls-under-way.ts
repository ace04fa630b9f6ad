import { rename, rm, writeFile } from 'node:fs/promises';

/** The file in the data folder that names the calls under way for a while (see `recordingCallsUnderWay`). */
export const CALLS_UNDER_WAY_FILE = 'calls-under-way.json';

/** How often the calls under way are looked at, and how long a call runs before it is named. */
export const CALLS_UNDER_WAY_EVERY_MS = 250;

/** A call a plugin's worker runs, as the file names it: no input, no credentials. */
export interface CallUnderWay {
  plugin: string;
  instance: string;
  /** The envelope's kind: `action`, `event`, `operation`... */
  kind: string;
  /** The action, operation or handler called. */
  name: string;
  /** Epoch milliseconds. */
  started: number;
}

/**
 * Keeps in `file`, while the platform runs, the calls its plugins' workers have run for at least
 * `everyMs`, looked at every `everyMs`: when a worker aborts the whole process (a heap that reaches
 * its limit where Node cannot contain it, nodejs/node#47224), the process leaves no word of which
 * plugin did it, and the supervisor reads this file instead (lib/cli/supervisor.mjs). Nothing is
 * written per call: the invoke path stays as fast, so a call that aborts the process sooner than
 * `everyMs` after it started goes unnamed, and the file is written only when the calls it names
 * change. Answers what stops it and removes the file, as a process that stops on purpose leaves no
 * calls under way.
 */
export function recordingCallsUnderWay(
  file: string,
  callsStartedBefore: (epochMs: number) => CallUnderWay[],
  everyMs = CALLS_UNDER_WAY_EVERY_MS,
): () => Promise<void> {
  // What a previous process left: its supervisor has read it.
  let written: string | undefined;
  let writing: Promise<unknown> = rm(file, { force: true }).catch(() => undefined);
  const timer = setInterval(() => {
    const calls = callsStartedBefore(Date.now() - everyMs).sort((a, b) => a.started - b.started);
    const text = `${JSON.stringify({ everyMs, calls })}\n`;
    if (text === written || (written === undefined && calls.length === 0)) return;
    written = text;
    // Renamed into place: a process that dies while writing leaves the previous file whole.
    writing = writing
      .then(() => writeFile(`${file}.next`, text, { mode: 0o600 }))
      .then(() => rename(`${file}.next`, file))
      .catch(() => undefined);
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await writing;
    await rm(file, { force: true }).catch(() => undefined);
  };
}
