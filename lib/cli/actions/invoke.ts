import { PlugboardApiError } from '../../client';
import { clientFor } from '../api';
import type { EndpointOptions } from '../endpoint-option';
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

export async function invoke(instance: string, target: string, options: InvokeOptions): Promise<void> {
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
}
