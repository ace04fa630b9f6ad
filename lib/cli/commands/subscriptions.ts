import type { Command } from 'commander';
import type { Subscription } from '../../client';
import { clientFor, type EndpointOptions, withEndpoint } from '../api';
import { integer, jsonObject } from '../input';
import { printJson, printTable } from '../output';

interface CreateOptions extends EndpointOptions {
  instance: string;
  pattern: string;
  handler: string;
  params?: string;
  order?: number;
  json?: boolean;
}

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
  ).action(async (options: CreateOptions) => {
    const created = await clientFor(options).subscriptions.create({
      instance: options.instance,
      pattern: jsonObject(options.pattern, '--pattern'),
      handler: options.handler,
      ...(options.params ? { params: jsonObject(options.params, '--params') } : {}),
      ...(options.order !== undefined ? { order: options.order } : {}),
    });
    if (options.json) return printJson(created);
    console.log(`created subscription ${created.id} of ${created.instance} (${created.handler})`);
  });

  withEndpoint(
    subscriptions
      .command('list')
      .description('list subscriptions, following every page')
      .option('--instance <name>', 'only subscriptions of this instance')
      .option('--json', 'print them as JSON'),
  ).action(async (options: EndpointOptions & { instance?: string; json?: boolean }) => {
    const all: Subscription[] = [];
    for await (const subscription of clientFor(options).subscriptions.all())
      if (options.instance === undefined || subscription.instance === options.instance)
        all.push(subscription);
    if (options.json) return printJson(all);
    if (all.length === 0) return console.log('no subscriptions');
    printTable(
      ['ID', 'INSTANCE', 'HANDLER', 'PATTERN'],
      all.map((s) => [s.id, s.instance, s.handler, JSON.stringify(s.pattern)]),
    );
  });

  withEndpoint(
    subscriptions
      .command('get')
      .description('show a subscription as JSON')
      .argument('<id>', 'subscription id'),
  ).action(async (id: string, options: EndpointOptions) => {
    printJson(await clientFor(options).subscriptions.get(id));
  });

  withEndpoint(
    subscriptions.command('delete').description('delete a subscription').argument('<id>', 'subscription id'),
  ).action(async (id: string, options: EndpointOptions) => {
    await clientFor(options).subscriptions.delete(id);
    console.log(`deleted subscription ${id}`);
  });
}
