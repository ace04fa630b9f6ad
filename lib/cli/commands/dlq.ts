import type { Command } from 'commander';
import { withEndpoint } from '../endpoint-option';
import { integer } from '../input';
import { lazyAction } from '../lazy-action';

const actions = () => import('../actions/dlq');

export function registerDlqCommand(program: Command): void {
  const dlq = program.command('dlq').description('deliveries that failed every retry');

  withEndpoint(
    dlq
      .command('list')
      .description('dead letters, oldest first, one JSON line each, following every page')
      .option('--limit <n>', 'at most this many (default: all)', integer('--limit', 1, 1_000_000)),
  ).action(lazyAction(actions, 'listDeadLetters'));

  withEndpoint(
    dlq
      .command('redrive')
      .description('deliver dead letters again: all of them, or the ids given')
      .argument('[ids...]', 'dead-letter ids (default: all)'),
  ).action(lazyAction(actions, 'redriveDeadLetters'));

  withEndpoint(
    dlq
      .command('delete')
      .description('remove dead letters without delivering them, in the order given')
      .argument('<ids...>', 'dead-letter ids, <event id>:<target>'),
  ).action(lazyAction(actions, 'deleteDeadLetters'));
}
