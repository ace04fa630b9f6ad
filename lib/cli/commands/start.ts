import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_EXTERNAL_PLUGINS_DIR,
  DEFAULT_PLUGINS_DIR,
  DEFAULT_PORT,
} from '../../local/defaults';
import { corsOriginsOf, withCorsOriginOption } from '../cors-option';
import { integer } from '../input';
import { exitOnStopSignals, near, platformBanner, startPlatform } from '../local-platform';
import { reportToSupervisor } from '../supervised';

export function registerStartCommand(program: Command): void {
  const start = program
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
    );
  withCorsOriginOption(start).action(
    async (options: {
      memory?: boolean;
      port: number;
      watch: boolean;
      plugins: string;
      data: string;
      external: string;
      corsOrigin?: string[];
    }) => {
      const platform = await startPlatform({
        memory: options.memory,
        port: options.port,
        watch: options.watch,
        pluginsDir: options.plugins,
        dataDir: options.data,
        processPluginsDir: existsSync(options.external) ? options.external : undefined,
        corsOrigins: corsOriginsOf(options),
      });
      // Before the banner: a Ctrl-C as soon as it shows must find the platform's handlers in place.
      const stop = exitOnStopSignals(platform.close);
      reportToSupervisor(
        {
          port: platform.port,
          persists: !options.memory,
          scratch: options.memory ? [platform.dataDir] : [],
        },
        stop,
      );
      const example = platform.report.loaded.some((p) => p.slug === 'echo')
        ? `curl -s -H "Authorization: Bearer $(cat ${near(platform.tokenFile)})" ${platform.url}/v1/plugins`
        : `curl -s ${platform.url}/v1/health`;
      console.log(`${platformBanner(platform, options.memory ? '--memory' : undefined)}\n\nTry: ${example}`);
    },
  );
}
