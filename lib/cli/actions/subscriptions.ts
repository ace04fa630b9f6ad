import type { Subscription } from '../../client';
import { clientFor } from '../api';
import type { EndpointOptions } from '../endpoint-option';
import { jsonObject } from '../input';
import { printJson, printTable } from '../output';

interface CreateOptions extends EndpointOptions {
  instance: string;
  pattern: string;
  handler: string;
  params?: string;
  order?: number;
  json?: boolean;
}

export async function createSubscription(options: CreateOptions): Promise<void> {
  const created = await clientFor(options).subscriptions.create({
    instance: options.instance,
    pattern: jsonObject(options.pattern, '--pattern'),
    handler: options.handler,
    ...(options.params ? { params: jsonObject(options.params, '--params') } : {}),
    ...(options.order !== undefined ? { order: options.order } : {}),
  });
  if (options.json) return printJson(created);
  console.log(`created subscription ${created.id} of ${created.instance} (${created.handler})`);
}

export async function listSubscriptions(
  options: EndpointOptions & { instance?: string; json?: boolean },
): Promise<void> {
  const all: Subscription[] = [];
  for await (const subscription of clientFor(options).subscriptions.all())
    if (options.instance === undefined || subscription.instance === options.instance) all.push(subscription);
  if (options.json) return printJson(all);
  if (all.length === 0) return console.log('no subscriptions');
  printTable(
    ['ID', 'INSTANCE', 'HANDLER', 'PATTERN'],
    all.map((s) => [s.id, s.instance, s.handler, JSON.stringify(s.pattern)]),
  );
}

export async function getSubscription(id: string, options: EndpointOptions): Promise<void> {
  printJson(await clientFor(options).subscriptions.get(id));
}

export async function deleteSubscription(id: string, options: EndpointOptions): Promise<void> {
  await clientFor(options).subscriptions.delete(id);
  console.log(`deleted subscription ${id}`);
}
