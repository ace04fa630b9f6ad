import type { Command } from 'commander';
import { PlugboardApiError } from '../../client';
import { clientFor, type EndpointOptions, withEndpoint } from '../api';
import { EXIT_USER_ERROR } from '../exit-codes';
import { jsonObject, readJsonInput } from '../input';
import { printJson } from '../output';

interface InvokeOptions extends EndpointOptions {
  input?: string;
  params?: string;
  context?: string;
  json?: boolean;
}

/** `type.operation` is an operation; a name the plugin's action catalogue holds is an action; anything else an alias. */
async function isAction(client: ReturnType<typeof clientFor>, instance: string, target: string) {
  if (target.includes('.')) return false;
  const { instance: record } = await client.instances.get(instance);
  const { manifest } = await client.plugins.get(record.plugin);
  const actions = (manifest.actions ?? []) as { name: string }[];
  return actions.some((a) => a.name === target);
}

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
  ).action(async (instance: string, target: string, options: InvokeOptions) => {
    const client = clientFor(options);
    const body = {
      ...(options.input ? await readJsonInput(options.input) : {}),
      ...(options.params ? jsonObject(options.params, '--params') : {}),
    };
    const context = options.context ? jsonObject(options.context, '--context') : undefined;
    try {
      const answer = (await isAction(client, instance, target))
        ? await client.action(instance, target, body, context)
        : await client.operation(instance, target, body, context);
      printJson(options.json ? answer : (answer.result ?? null));
    } catch (error) {
      // With --json a script reads stdout: a failed call prints its problem there too.
      if (!options.json || !(error instanceof PlugboardApiError)) throw error;
      printJson(error.problem);
      process.exitCode = EXIT_USER_ERROR;
    }
  });
}
