import type { Command } from 'commander';
import { ValidationError } from '../../sdk/errors';
import { clientFor, type EndpointOptions, withEndpoint } from '../api';
import { integer, jsonObject, readStdin } from '../input';
import { printJson } from '../output';

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

export function registerWebhooksCommand(program: Command): void {
  const webhooks = program
    .command('webhooks')
    .description('webhook sources, the rules that route their deliveries, and what was delivered');

  withEndpoint(
    webhooks
      .command('set-source')
      .description('create or replace a source; its HMAC secret is read from stdin, never echoed')
      .argument('<source>', 'source name: a-z, 0-9 and "-", starting with a letter')
      .option('--signature-header <name>', 'header carrying sha256=<hex> (default: x-hub-signature-256)')
      .option('--delivery-id-header <name>', 'header carrying the delivery id (default: x-delivery-id)'),
  ).action(async (source: string, options: SourceOptions) => {
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
  });

  withEndpoint(webhooks.command('sources').description('list webhook sources as JSON')).action(
    async (options: EndpointOptions) => printJson((await clientFor(options).webhookSources.list()).sources),
  );

  withEndpoint(
    webhooks
      .command('delete-source')
      .description('delete a source, its rules and its secret')
      .argument('<source>', 'source name'),
  ).action(async (source: string, options: EndpointOptions) => {
    await clientFor(options).webhookSources.delete(source);
    console.log(`deleted source ${source}`);
  });

  withEndpoint(
    webhooks
      .command('add-rule')
      .description("route a source's deliveries that a filter matches to a webhook action")
      .argument('<source>', 'source name')
      .requiredOption(
        '--handler <slug#action>',
        "a plugin's webhook action; every instance of the plugin runs it",
      )
      .option('--filter <json>', 'an event pattern over { headers, payload }')
      .option('--identifier-selector <pointer>', 'JSON pointer into the payload, e.g. /repository/id')
      .option('--config <json>', "the action's config, checked against its configSchema")
      .option('--order <n>', 'lower runs first', integer('--order', -1_000_000, 1_000_000)),
  ).action(async (source: string, options: RuleOptions) => {
    const rule = await clientFor(options).webhookSources.addRule(source, {
      handler: options.handler,
      ...(options.filter ? { filter: jsonObject(options.filter, '--filter') } : {}),
      ...(options.identifierSelector ? { identifierSelector: options.identifierSelector } : {}),
      ...(options.config ? { actionConfig: jsonObject(options.config, '--config') } : {}),
      ...(options.order !== undefined ? { order: options.order } : {}),
    });
    console.log(`added rule ${rule.id} to ${source} (${rule.handler})`);
  });

  withEndpoint(
    webhooks
      .command('rules')
      .description("a source's rules as JSON, in order")
      .argument('<source>', 'source name'),
  ).action(async (source: string, options: EndpointOptions) =>
    printJson((await clientFor(options).webhookSources.rules(source)).rules),
  );

  withEndpoint(
    webhooks
      .command('delete-rule')
      .description('delete a rule')
      .argument('<source>', 'source name')
      .argument('<id>', 'rule id'),
  ).action(async (source: string, id: string, options: EndpointOptions) => {
    await clientFor(options).webhookSources.deleteRule(source, id);
    console.log(`deleted rule ${id} of ${source}`);
  });

  withEndpoint(
    webhooks
      .command('deliveries')
      .description("a source's deliveries, newest first, one JSON line each, with each rule's outcome")
      .argument('<source>', 'source name')
      .option('--limit <n>', 'at most this many', integer('--limit', 1, 1000), 20),
  ).action(async (source: string, options: EndpointOptions & { limit: number }) => {
    const { deliveries } = await clientFor(options).webhookSources.deliveries(source, {
      limit: options.limit,
    });
    if (deliveries.length === 0) console.log(`no deliveries to ${source}`);
    for (const delivery of deliveries) console.log(JSON.stringify(delivery));
  });
}
