import type { Command } from 'commander';
import { withCorsOriginOption } from '../cors-option';
import { integer } from '../input';
import { lazyAction } from '../lazy-action';

export function registerDevCommand(program: Command): void {
  const dev = program
    .command('dev')
    .description(
      "a plugin author's inner loop: serve a plugin in memory with a ready <slug>-dev instance, reloading and re-running its conformance checks on every save",
    )
    .argument(
      '[plugin-dir]',
      "a plugin's folder, or a folder of plugin folders (default: the current folder if it has an index.ts, else plugins)",
    )
    .option('--port <port>', 'port on 127.0.0.1 (default: a free one)', integer('--port', 0, 65_535), 0)
    .option('--data <dir>', 'keep the registry, credentials and token in this folder (default: in memory)');
  withCorsOriginOption(dev).action(lazyAction(() => import('../actions/dev'), 'dev'));
}
