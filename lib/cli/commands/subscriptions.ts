import type { Command } from 'commander';
import { withEndpoint } from '../endpoint-option';
import { integer } from '../input';
import { lazyAction } from '../lazy-action';

const actions = () => import('../actions/subscriptions');

export function registerSubscriptionsCommand(program: Command): void {
  const subscriptions = program
    .command('subscriptions')
    .description('deliver the events an EventBridge pattern matches to an instance');

  withEndpoint(
    subscriptions
      .command('create')
      .description('subscribe an instance; the pattern is checked as EventBridge checks a rule')
      .requiredOption('--instance <name>', 'the instance the events go to')
      .requiredOption('--pattern <json>', 'an EventBridge event pattern, e.g. {"source":["billing"]}')
      .option('--handler <handler>', '"events", "lifecycle:<hook>" or "action:<name>"', 'events')
      .option('--params <json>', 'params of an action handler, as a JSON object')
      .option(
        '--order <n>',
        'lower runs first among subscriptions an event matches',
        integer('--order', -1_000_000, 1_000_000),
      )
      .option('--json', 'print the subscription as JSON'),
  ).action(lazyAction(actions, 'createSubscription'));

  withEndpoint(
    subscriptions
      .command('list')
      .description('list subscriptions, following every page')
      .option('--instance <name>', 'only subscriptions of this instance')
      .option('--json', 'print them as JSON'),
  ).action(lazyAction(actions, 'listSubscriptions'));

  withEndpoint(
    subscriptions
      .command('get')
      .description('show a subscription as JSON')
      .argument('<id>', 'subscription id'),
  ).action(lazyAction(actions, 'getSubscription'));

  withEndpoint(
    subscriptions.command('delete').description('delete a subscription').argument('<id>', 'subscription id'),
  ).action(lazyAction(actions, 'deleteSubscription'));
}
