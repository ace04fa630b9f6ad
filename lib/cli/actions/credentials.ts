import { ValidationError } from '../../sdk/errors';
import { clientFor } from '../api';
import type { EndpointOptions } from '../endpoint-option';
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

export async function setCredentials(
  instance: string,
  options: EndpointOptions & { value: string[] },
): Promise<void> {
  const view = await clientFor(options).credentials.put(instance, await credentialValues(options.value));
  console.log(`credentials of ${instance}: ${describe(view)}`);
}

export async function showCredentials(instance: string, options: EndpointOptions): Promise<void> {
  console.log(`credentials of ${instance}: ${describe(await clientFor(options).credentials.get(instance))}`);
}

export async function deleteCredentials(instance: string, options: EndpointOptions): Promise<void> {
  await clientFor(options).credentials.delete(instance);
  console.log(`credentials of ${instance} removed`);
}
