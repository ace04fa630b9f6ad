import type { Command } from 'commander';
import { withEndpoint } from '../endpoint-option';
import { yesNoQuestion } from '../exit-codes';
import { integer } from '../input';
import { lazyAction } from '../lazy-action';

const actions = () => import('../actions/events');

export function registerEventsCommand(program: Command): void {
  const events = program
    .command('events')
    .description('publish events, test patterns, follow and replay the event log');

  withEndpoint(
    events
      .command('tail')
      .description('print events as they are logged, one JSON line each, until interrupted')
      .option('--pattern <json>', 'only events this EventBridge pattern matches')
      .option('--since <time>', 'start at this ISO time (default: now)')
      .option('--max <count>', 'stop after this many events', integer('--max', 1, 999_999_999)),
  ).action(lazyAction(actions, 'tailEvents'));

  withEndpoint(
    events
      .command('publish')
      .description('publish one event to the bus, as EventBridge PutEvents does (needs the "publish" scope)')
      .requiredOption(
        '--source <source>',
        'the event source, e.g. billing (sources starting with "plugboard" are the platform\'s)',
      )
      .requiredOption('--detail-type <type>', 'the event\'s detail-type, e.g. "Invoice Paid"')
      .option('--detail <json>', 'the detail as a JSON object', '{}')
      .option(
        '--resource <arn>',
        'a resource the event concerns (repeatable)',
        (resource: string, all: string[]) => [...all, resource],
        [] as string[],
      ),
  ).action(lazyAction(actions, 'publishEvent'));

  withEndpoint(
    yesNoQuestion(events.command('test-pattern'))
      .description(
        'say whether an event pattern matches an event, as EventBridge TestEventPattern does; exits like grep: 0 it matches, 1 it does not, 2 an error (bad pattern or event, a refused request, no platform)',
      )
      .requiredOption('--pattern <json>', 'an EventBridge event pattern')
      .requiredOption(
        '--event <json>',
        'a whole event as TestEventPattern takes it: id, account, source, time, region, resources, detail-type, detail',
      ),
  ).action(lazyAction(actions, 'testPattern'));

  withEndpoint(
    events
      .command('replay')
      .description('deliver a time range of the log again to one subscription (events its pattern matches)')
      .requiredOption('--subscription <id>', 'subscription id')
      .requiredOption('--from <time>', 'ISO time, inclusive')
      .option('--to <time>', 'ISO time, exclusive (default: now)'),
  ).action(lazyAction(actions, 'replayEvents'));
}
