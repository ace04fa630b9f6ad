import type { Command } from 'commander';
import { ValidationError } from '../../sdk/errors';
import { clientFor, type EndpointOptions, withEndpoint } from '../api';
import { jsonObject, readStdin } from '../input';

/** `name=value` pairs; the value may itself hold "=". */
function pairs(lines: string[], from: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of lines) {
    const at = line.indexOf('=');
    if (at < 1) throw new ValidationError(`${from}: expected name=value, got a line without a name`);
    values[line.slice(0, at).trim()] = line.slice(at + 1);
  }
  return values;
}

/** Values from --value, or stdin as a JSON object or name=value lines. Never printed. */
async function credentialValues(given: string[]): Promise<Record<string, string>> {
  if (given.length > 0) return pairs(given, '--value');
  const text = (await readStdin()).trim();
  if (!text) throw new ValidationError('give credentials with --value name=value or on stdin');
  if (text.startsWith('{')) {
    const object = jsonObject(text, 'stdin');
    if (!Object.values(object).every((v) => typeof v === 'string'))
      throw new ValidationError('stdin: every credential value must be a string');
    return object as Record<string, string>;
  }
  return pairs(
    text.split(/\r?\n/).filter((l) => l.trim() !== ''),
    'stdin',
  );
}

const describe = (view: { set: string[]; missing: string[] }) =>
  `set: ${view.set.join(', ') || 'none'}; missing: ${view.missing.join(', ') || 'none'}`;

export function registerCredentialsCommand(program: Command): void {
  const credentials = program
    .command('credentials')
    .description("set, show and delete an instance's credentials (values are write-only)");

  withEndpoint(
    credentials
      .command('set')
      .description(
        "replace the instance's credentials; values are read from --value or stdin and never echoed",
      )
      .argument('<instance>', 'instance name')
      .option(
        '--value <name=value>',
        'a credential (repeatable); without it, stdin holds JSON or name=value lines',
        (v: string, all: string[]) => [...all, v],
        [] as string[],
      ),
  ).action(async (instance: string, options: EndpointOptions & { value: string[] }) => {
    const view = await clientFor(options).credentials.put(instance, await credentialValues(options.value));
    console.log(`credentials of ${instance}: ${describe(view)}`);
  });

  withEndpoint(
    credentials
      .command('show')
      .description('which credentials are set and which are missing, never values')
      .argument('<instance>', 'instance name'),
  ).action(async (instance: string, options: EndpointOptions) => {
    console.log(
      `credentials of ${instance}: ${describe(await clientFor(options).credentials.get(instance))}`,
    );
  });

  withEndpoint(
    credentials
      .command('delete')
      .description("remove the instance's credentials")
      .argument('<instance>', 'instance name'),
  ).action(async (instance: string, options: EndpointOptions) => {
    await clientFor(options).credentials.delete(instance);
    console.log(`credentials of ${instance} removed`);
  });
}
