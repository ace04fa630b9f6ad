import type { Command } from 'commander';
import { DEFAULT_PLUGINS_DIR } from '../../local/defaults';
import { lazyAction } from '../lazy-action';
import { TYPE_NAMES } from '../scaffold/type-names';

export function registerNewCommand(program: Command): void {
  program
    .command('new')
    .description('scaffold a plugin: a typed manifest, handlers for its type, a README and a passing test')
    .argument('<slug>', 'the plugin slug: a-z, 0-9 and "-", starting with a letter')
    .requiredOption('--type <type>', `the plugin's type: ${TYPE_NAMES.join(', ')}`)
    .option('--plugins <dir>', 'folder holding one folder per plugin', DEFAULT_PLUGINS_DIR)
    .action(lazyAction(() => import('../actions/new'), 'newPlugin'));
}
