import { relative } from 'node:path';
import { formatLoadReport } from '../core/loader';
import { DEFAULT_SHUTDOWN_GRACE_MS } from '../local/defaults';
import { applyServingHeapPolicy } from '../local/heap-policy';
import { type LocalPlatform, type LocalPlatformOptions, startLocalPlatform } from '../local/platform';
import { stopOnSignals } from './stop-signals';
import { supervised } from './supervised';

/**
 * What `plugboard start` and `plugboard dev` share: starting the platform, its banner, stopping on a
 * signal. Supervised, it keeps the calls under way for a while, for the supervisor to name if it dies.
 */
export async function startPlatform(options: LocalPlatformOptions): Promise<LocalPlatform> {
  applyServingHeapPolicy();
  return startLocalPlatform({ recordCallsUnderWay: supervised(), ...options });
}

/** A path as the user would type it: relative to the working directory when it is under it. */
export function near(path: string): string {
  const from = relative(process.cwd(), path);
  return from.startsWith('..') ? path : from || '.';
}

/**
 * Where the platform serves, its token (and the file that keeps it) and its load report. The token is
 * the one local principal's, for whoever runs the platform in this terminal, so it is printed: a
 * platform in memory or in another data folder keeps it where the CLI does not look. `inMemory` says
 * how the state is kept when it does not persist (how to make it persist, say); otherwise its folder
 * shows.
 */
export function platformBanner(platform: LocalPlatform, inMemory: string | undefined): string {
  return [
    `Plugboard is serving on ${platform.url}`,
    `API token: ${platform.token} (kept in ${near(platform.tokenFile)}; send it as "Authorization: Bearer <token>")`,
    inMemory ? `State: in memory (${inMemory}); nothing persists` : `State: ${near(platform.dataDir)}`,
    '',
    formatLoadReport({
      loaded: [...platform.report.loaded, ...platform.processPlugins.loaded],
      skipped: [...platform.report.skipped, ...platform.processPlugins.skipped],
      errors: [...platform.report.errors, ...platform.processPlugins.errors],
    }),
  ].join('\n');
}

/**
 * Ctrl-C or SIGTERM runs `close` (requests under way may finish) and exits 0; a second Ctrl-C exits
 * at once. Answers the stop, for what else must stop the platform so.
 */
export function exitOnStopSignals(close: () => Promise<void>): () => void {
  const stop = stopOnSignals({
    graceful: async () => {
      console.log(
        `Stopping: requests under way get up to ${DEFAULT_SHUTDOWN_GRACE_MS / 1000} s to finish (Ctrl-C again to stop now)`,
      );
      await close();
      process.exit(0);
    },
    immediate: () => process.exit(130),
  });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return stop;
}
