import type { Command } from 'commander';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_EXTERNAL_PLUGINS_DIR,
  DEFAULT_PLUGINS_DIR,
  DEFAULT_PORT,
} from '../../local/defaults';
import { withCorsOriginOption } from '../cors-option';
import { integer } from '../input';
import { lazyAction } from '../lazy-action';

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
    .option('--no-watch', 'do not reload plugins when their files change')
    .option('--plugins <dir>', 'folder holding one folder per plugin', DEFAULT_PLUGINS_DIR)
    .option('--data <dir>', 'folder for the registry, credentials and token', DEFAULT_DATA_DIR)
    .option(
      '--external <dir>',
      'folder of plugins in other languages (a plugboard.json naming a command); watched for when absent',
      DEFAULT_EXTERNAL_PLUGINS_DIR,
    );
  withCorsOriginOption(start).action(lazyAction(() => import('../actions/start'), 'start'));
}
