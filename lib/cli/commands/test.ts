import { type Command, Option } from 'commander';
import { DEFAULT_PLUGINS_DIR } from '../../local/defaults';
import { lazyAction } from '../lazy-action';

export function registerTestCommand(program: Command): void {
  program
    .command('test')
    .description(
      "run the conformance kit over one plugin or all of them: each is checked against its type's contract",
    )
    .argument('[slug]', 'the plugin to test (default: every plugin that loads)')
    .option('--plugins <dir>', 'folder holding one folder per plugin', DEFAULT_PLUGINS_DIR)
    .addOption(
      new Option(
        '--plugin <dir>',
        'test the plugin of this folder (with an index.ts) alone, without loading the plugins beside it; instead of a slug and --plugins',
      ).conflicts('plugins'),
    )
    .option('--json', 'print the reports as JSON')
    .action(lazyAction(() => import('../actions/test'), 'test'));
}
