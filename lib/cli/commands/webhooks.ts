import type { Command } from 'commander';
import { withEndpoint } from '../endpoint-option';
import { integer } from '../input';
import { lazyAction } from '../lazy-action';

const actions = () => import('../actions/webhooks');

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
  ).action(lazyAction(actions, 'setSource'));

  withEndpoint(webhooks.command('sources').description('list webhook sources as JSON')).action(
    lazyAction(actions, 'listSources'),
  );

  withEndpoint(
    webhooks
      .command('delete-source')
      .description('delete a source, its rules and its secret')
      .argument('<source>', 'source name'),
  ).action(lazyAction(actions, 'deleteSource'));

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
  ).action(lazyAction(actions, 'addRule'));

  withEndpoint(
    webhooks
      .command('rules')
      .description("a source's rules as JSON, in order")
      .argument('<source>', 'source name'),
  ).action(lazyAction(actions, 'listRules'));

  withEndpoint(
    webhooks
      .command('delete-rule')
      .description('delete a rule')
      .argument('<source>', 'source name')
      .argument('<id>', 'rule id'),
  ).action(lazyAction(actions, 'deleteRule'));

  withEndpoint(
    webhooks
      .command('deliveries')
      .description("a source's deliveries, newest first, one JSON line each, with each rule's outcome")
      .argument('<source>', 'source name')
      .option('--limit <n>', 'at most this many, following every page', integer('--limit', 1, 1_000_000), 20),
  ).action(lazyAction(actions, 'listDeliveries'));
}
