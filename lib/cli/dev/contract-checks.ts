import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ConformanceReport } from '../../testing/conformance';

const CLI = fileURLToPath(new URL('../../../bin/plugboard.mjs', import.meta.url));
/** A plugin whose checks hang must not hold the next save's. */
const TIMEOUT_MS = 120_000;

/** What a round of checks covers: every plugin of the folder, or the plugin of one folder alone. */
export type ChecksOf = { plugins: string } | { plugin: string };

/**
 * `plugboard test --json` over the plugins given, in a process of its own. The kit must get the
 * plugin imported with the very SDK it runs (the platform's module of a plugin carries its own
 * copy, whose typed errors the kit would take for crashes), and only a fresh process imports every
 * file of a changed plugin afresh, its fixtures too. The signal ends the process: checks under way
 * when dev stops, or started as it stops, must not outlive it.
 */
export function contractChecks(of: ChecksOf, signal: AbortSignal): Promise<ConformanceReport[]> {
  const args = [
    CLI,
    'test',
    ...('plugin' in of ? ['--plugin', of.plugin] : ['--plugins', of.plugins]),
    '--json',
  ];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { timeout: TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, signal },
      (error, stdout, stderr) => {
        try {
          resolve(JSON.parse(stdout) as ConformanceReport[]);
        } catch {
          reject(new Error(`checks not run: ${stderr.trim() || error?.message || 'no report'}`));
        }
      },
    );
  });
}
