import { clientFor } from '../api';
import type { EndpointOptions } from '../endpoint-option';
import { printJson, printTable } from '../output';

interface AttachOptions extends EndpointOptions {
  role: 'authorizer' | 'preHook';
  plugin: string[];
  order?: number;
}

export async function attachGuard(instance: string, options: AttachOptions): Promise<void> {
  const guard = await clientFor(options).guards.attach({
    instance,
    role: options.role,
    ...(options.plugin.length > 0 ? { plugins: options.plugin } : {}),
    ...(options.order !== undefined ? { order: options.order } : {}),
  });
  console.log(
    `attached ${guard.id} to ${guard.plugins.length > 0 ? guard.plugins.join(', ') : 'every plugin'}`,
  );
}

export async function listGuards(options: EndpointOptions & { json?: boolean }): Promise<void> {
  const { guards: all } = await clientFor(options).guards.list();
  if (options.json) return printJson(all);
  if (all.length === 0) return console.log('no guards');
  printTable(
    ['ID', 'ORDER', 'PLUGINS'],
    all.map((g) => [g.id, String(g.order), g.plugins.join(', ') || '(every plugin)']),
  );
}

export async function detachGuard(id: string, options: EndpointOptions): Promise<void> {
  await clientFor(options).guards.detach(id);
  console.log(`detached ${id}`);
}
