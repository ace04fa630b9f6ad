import { clientFor } from '../api';
import type { EndpointOptions } from '../endpoint-option';
import { jsonObject } from '../input';
import { printJson, printTable } from '../output';

interface UpdateOptions extends EndpointOptions {
  options?: string;
  description?: string;
  context?: string;
  order?: number;
  ifMatch: string;
}

export async function listInstances(
  options: EndpointOptions & { plugin?: string; json?: boolean },
): Promise<void> {
  const all = [];
  for await (const instance of clientFor(options).instances.all({ plugin: options.plugin }))
    all.push(instance);
  if (options.json) return printJson(all);
  if (all.length === 0) return console.log('no instances');
  printTable(
    ['NAME', 'PLUGIN', 'OPTIONS'],
    all.map((i) => [i.name, i.plugin, optionsState(i.outdatedOptions)]),
  );
}

/** Whether an instance's options fit its plugin's current version, or which do not, by name. */
export function optionsState(outdated: readonly { pointer: string }[]): string {
  if (outdated.length === 0) return 'ok';
  const names = outdated.map(({ pointer }) =>
    pointer.slice('/options/'.length).replaceAll('~1', '/').replaceAll('~0', '~'),
  );
  return `outdated: ${names.join(', ')}`;
}

export async function getInstance(name: string, options: EndpointOptions): Promise<void> {
  const { instance, etag } = await clientFor(options).instances.get(name);
  printJson({ ...instance, etag });
}

export async function createInstance(
  name: string,
  options: EndpointOptions & { plugin: string; options?: string; description?: string },
): Promise<void> {
  const created = await clientFor(options).instances.create({
    name,
    plugin: options.plugin,
    ...(options.options ? { options: jsonObject(options.options, '--options') } : {}),
    ...(options.description ? { description: options.description } : {}),
  });
  console.log(`created instance ${created.name} of ${created.plugin}`);
}

export async function updateInstance(name: string, options: UpdateOptions): Promise<void> {
  const updated = await clientFor(options).instances.patch(
    name,
    {
      ...(options.options ? { options: jsonObject(options.options, '--options') } : {}),
      ...(options.description !== undefined ? { description: options.description } : {}),
      ...(options.context ? { context: jsonObject(options.context, '--context') } : {}),
      ...(options.order !== undefined ? { order: options.order } : {}),
    },
    { ifMatch: options.ifMatch },
  );
  console.log(`updated instance ${updated.name} to version ${updated.version}`);
}

export async function deleteInstance(
  name: string,
  options: EndpointOptions & { ifMatch?: string },
): Promise<void> {
  await clientFor(options).instances.delete(name, { ifMatch: options.ifMatch });
  console.log(`deleted instance ${name}`);
}
