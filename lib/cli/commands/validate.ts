import type { Command } from 'commander';
import { lazyAction } from '../lazy-action';

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('load every plugin in a directory and report what loaded, what was skipped and what failed')
    .argument('[dir]', 'directory holding one folder per plugin', 'plugins')
    .option('--json', 'print the report as JSON')
    .action(lazyAction(() => import('../actions/validate'), 'validate'));
}
