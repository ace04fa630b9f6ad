import { ValidationError } from '../../sdk/errors';
import { clientFor } from '../api';
import type { EndpointOptions } from '../endpoint-option';
import { jsonObject, readStdin } from '../input';
import { printJson } from '../output';
import { printAtMost } from '../print-at-most';

interface SourceOptions extends EndpointOptions {
  signatureHeader?: string;
  deliveryIdHeader?: string;
}

interface RuleOptions extends EndpointOptions {
  handler: string;
  filter?: string;
  identifierSelector?: string;
  config?: string;
  order?: number;
}

export async function setSource(source: string, options: SourceOptions): Promise<void> {
  // Not an argument: a secret on the command line is in the shell's history and the process list.
  const secret = (await readStdin()).trim();
  if (!secret) throw new ValidationError("give the source's secret on stdin, e.g. `... < secret.txt`");
  const saved = await clientFor(options).webhookSources.put(source, {
    secret,
    ...(options.signatureHeader ? { signatureHeader: options.signatureHeader } : {}),
    ...(options.deliveryIdHeader ? { deliveryIdHeader: options.deliveryIdHeader } : {}),
  });
  console.log(
    `source ${saved.name}: signature in ${saved.signatureHeader}, delivery id in ${saved.deliveryIdHeader}`,
  );
}

export async function listSources(options: EndpointOptions): Promise<void> {
  printJson((await clientFor(options).webhookSources.list()).sources);
}

export async function deleteSource(source: string, options: EndpointOptions): Promise<void> {
  await clientFor(options).webhookSources.delete(source);
  console.log(`deleted source ${source}`);
}

export async function addRule(source: string, options: RuleOptions): Promise<void> {
  const rule = await clientFor(options).webhookSources.addRule(source, {
    handler: options.handler,
    ...(options.filter ? { filter: jsonObject(options.filter, '--filter') } : {}),
    ...(options.identifierSelector ? { identifierSelector: options.identifierSelector } : {}),
    ...(options.config ? { actionConfig: jsonObject(options.config, '--config') } : {}),
    ...(options.order !== undefined ? { order: options.order } : {}),
  });
  console.log(`added rule ${rule.id} to ${source} (${rule.handler})`);
}

export async function listRules(source: string, options: EndpointOptions): Promise<void> {
  printJson((await clientFor(options).webhookSources.rules(source)).rules);
}

export async function deleteRule(source: string, id: string, options: EndpointOptions): Promise<void> {
  await clientFor(options).webhookSources.deleteRule(source, id);
  console.log(`deleted rule ${id} of ${source}`);
}

export async function listDeliveries(
  source: string,
  options: EndpointOptions & { limit: number },
): Promise<void> {
  const client = clientFor(options);
  const deliveries = (pageSize: number) => client.webhookSources.everyDelivery(source, { pageSize });
  const shown = await printAtMost(deliveries, options.limit, 'deliveries', 'raise --limit for more');
  if (shown === 0) console.log(`no deliveries to ${source}`);
}
