import type { Command } from 'commander';
import { clientFor, type EndpointOptions, withEndpoint } from '../api';
import { integer } from '../input';

export function registerDlqCommand(program: Command): void {
  const dlq = program.command('dlq').description('deliveries that failed every retry');

  withEndpoint(
    dlq
      .command('list')
      .description('dead letters, oldest first, one JSON line each')
      .option('--limit <n>', 'at most this many', integer('--limit', 1, 1000), 100),
  ).action(async (options: EndpointOptions & { limit: number }) => {
    const { deadLetters } = await clientFor(options).dlq.list({ limit: options.limit });
    if (deadLetters.length === 0) console.log('the dead-letter queue is empty');
    for (const letter of deadLetters) console.log(JSON.stringify(letter));
  });

  withEndpoint(
    dlq
      .command('redrive')
      .description('deliver dead letters again: all of them, or the ids given')
      .argument('[ids...]', 'dead-letter ids (default: all)'),
  ).action(async (ids: string[], options: EndpointOptions) => {
    const { redriving } = await clientFor(options).dlq.redrive(ids.length > 0 ? ids : undefined);
    console.log(`redriving ${redriving} dead letter(s)`);
  });
}
