import { existsSync } from 'node:fs';
import { relative } from 'node:path';
import type { Command } from 'commander';
import { formatLoadReport } from '../../core/loader';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_EXTERNAL_PLUGINS_DIR,
  DEFAULT_PLUGINS_DIR,
  DEFAULT_PORT,
  DEFAULT_SHUTDOWN_GRACE_MS,
} from '../../local/defaults';
import { integer } from '../input';
import { stopOnSignals } from '../stop-signals';

export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the whole platform on this machine: dispatcher, registry, credentials, workers, bus')
    .option('--memory', 'keep the registry in memory and state in a temporary folder (nothing persists)')
    .option(
      '--port <port>',
      'port on 127.0.0.1 (0 picks a free one)',
      integer('--port', 0, 65_535),
      DEFAULT_PORT,
    )
    .option('--no-watch', 'do not rebuild plugins when their files change')
    .option('--plugins <dir>', 'folder holding one folder per plugin', DEFAULT_PLUGINS_DIR)
    .option('--data <dir>', 'folder for the registry, credentials and token', DEFAULT_DATA_DIR)
    .option(
      '--external <dir>',
      'folder of plugins in other languages (a plugboard.json naming a command); skipped when absent',
      DEFAULT_EXTERNAL_PLUGINS_DIR,
    )
    .action(
      async (options: {
        memory?: boolean;
        port: number;
        watch: boolean;
        plugins: string;
        data: string;
        external: string;
      }) => {
        // Loaded here, not at the top: the other commands need none of the platform's weight.
        const { startLocalPlatform } = await import('../../local/platform');
        const platform = await startLocalPlatform({
          memory: options.memory,
          port: options.port,
          watch: options.watch,
          pluginsDir: options.plugins,
          dataDir: options.data,
          processPluginsDir: existsSync(options.external) ? options.external : undefined,
        });
        const near = (path: string) =>
          relative(process.cwd(), path).startsWith('..') ? path : relative(process.cwd(), path);
        const tokenFile = near(platform.tokenFile);
        const example = platform.report.loaded.some((p) => p.slug === 'echo')
          ? `curl -s -H "Authorization: Bearer $(cat ${tokenFile})" ${platform.url}/v1/plugins`
          : `curl -s ${platform.url}/v1/health`;
        console.log(
          [
            `Plugboard is serving on ${platform.url}`,
            `API token: ${tokenFile} (send it as "Authorization: Bearer <token>")`,
            options.memory
              ? 'State: in memory (--memory); nothing persists'
              : `State: ${near(platform.dataDir)}`,
            '',
            formatLoadReport({
              loaded: [...platform.report.loaded, ...platform.processPlugins.loaded],
              skipped: [...platform.report.skipped, ...platform.processPlugins.skipped],
              errors: [...platform.report.errors, ...platform.processPlugins.errors],
            }),
            '',
            `Try: ${example}`,
          ].join('\n'),
        );
        const stop = stopOnSignals({
          graceful: async () => {
            console.log(
              `Stopping: requests under way get up to ${DEFAULT_SHUTDOWN_GRACE_MS / 1000} s to finish (Ctrl-C again to stop now)`,
            );
            await platform.close();
            process.exit(0);
          },
          immediate: () => process.exit(130),
        });
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      },
    );
}
