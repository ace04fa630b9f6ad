import type { Command } from 'commander';
import { withEndpoint } from '../endpoint-option';
import { lazyAction } from '../lazy-action';

export function registerInvokeCommand(program: Command): void {
  withEndpoint(
    program
      .command('invoke')
      .description(
        'invoke an operation (type.operation or alias) or an action of an instance on a running platform',
      )
      .argument('<instance>', 'instance name')
      .argument('<target>', 'operation such as configuration.getValues, or an action name')
      .option('--input <file>', 'JSON object with the input or params; "-" reads stdin')
      .option('--params <json>', 'the input or params as inline JSON (merged over --input)')
      .option('--context <json>', 'call context as JSON, e.g. {"projectSlug":"shop"}')
      .option('--json', 'print the whole answer, with its requestId, as JSON'),
  ).action(lazyAction(() => import('../actions/invoke'), 'invoke'));
}
