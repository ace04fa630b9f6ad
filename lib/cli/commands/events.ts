import type { Command } from 'commander';
import type { PlatformEventRecord } from '../../client';
import { type CompiledPattern, compilePattern, matches } from '../../core/events/pattern';
import { PlugboardError, ValidationError } from '../../sdk/errors';
import { clientFor, type EndpointOptions, withEndpoint } from '../api';
import { answerExitCode, yesNoQuestion } from '../exit-codes';
import { integer, isoTimeOption, jsonObject } from '../input';

const POLL_MS = 500;
/** How late an event may be logged, behind one of a later time, and still be tailed. */
const LATE_MS = 5_000;

interface PublishOptions extends EndpointOptions {
  source: string;
  detailType: string;
  detail: string;
  resource: string[];
}

interface TailOptions extends EndpointOptions {
  pattern?: string;
  /** Milliseconds since the epoch. */
  since?: number;
  max?: number;
}

/** The pattern compiled once, before the first poll: a bad one is reported at once, with what is wrong. */
function checkedPattern(text: string): CompiledPattern {
  try {
    return compilePattern(jsonObject(text, '--pattern'));
  } catch (error) {
    if (!(error instanceof PlugboardError) || error.code !== 'Validation' || !error.errors) throw error;
    throw new ValidationError('--pattern is not a valid event pattern', error.errors);
  }
}

export function registerEventsCommand(program: Command): void {
  const events = program
    .command('events')
    .description('publish events, test patterns, follow and replay the event log');

  withEndpoint(
    events
      .command('tail')
      .description('print events as they are logged, one JSON line each, until interrupted')
      .option('--pattern <json>', 'only events this EventBridge pattern matches')
      .option('--since <time>', 'start at this ISO time (default: now)', isoTimeOption('--since'))
      .option('--max <count>', 'stop after this many events', integer('--max', 1, 999_999_999)),
  ).action(async (options: TailOptions) => {
    const client = clientFor(options);
    const pattern = options.pattern ? checkedPattern(options.pattern) : undefined;
    const max = options.max ?? Number.POSITIVE_INFINITY;
    const since = options.since ?? Date.now();
    // The log lists by event time, and an event can be logged after others of later times (publishers
    // on other threads, a caller's own Time a little behind): each poll reads again from LATE_MS
    // before the latest time seen, and the ids seen in that window are kept to print each once.
    const seen = new Map<string, number>();
    let latest = since;
    let printed = 0;
    while (printed < max) {
      const query = { from: new Date(Math.max(since, latest - LATE_MS)).toISOString(), limit: 1000 };
      let cursor: string | undefined;
      do {
        const page = await client.events.log({ ...query, cursor });
        for (const event of page.events as PlatformEventRecord[]) {
          if (printed >= max) break;
          const time = Date.parse(event.time);
          if (time < since || seen.has(event.id)) continue;
          seen.set(event.id, time);
          latest = Math.max(latest, time);
          if (pattern && !matches(pattern, event)) continue;
          console.log(JSON.stringify(event));
          printed += 1;
        }
        cursor = page.nextCursor;
      } while (cursor && printed < max);
      for (const [id, time] of seen) if (time < latest - LATE_MS) seen.delete(id);
      if (printed < max) await new Promise((done) => setTimeout(done, POLL_MS));
    }
  });

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
  ).action(async (options: PublishOptions) => {
    const detail = jsonObject(options.detail, '--detail');
    const { Entries } = await clientFor(options).events.publish([
      {
        Source: options.source,
        DetailType: options.detailType,
        Detail: JSON.stringify(detail),
        ...(options.resource.length > 0 ? { Resources: options.resource } : {}),
      },
    ]);
    console.log(`published event ${Entries[0]?.EventId}`);
  });

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
  ).action(async (options: EndpointOptions & { pattern: string; event: string }) => {
    const matched = await clientFor(options).events.testPattern(
      jsonObject(options.pattern, '--pattern'),
      jsonObject(options.event, '--event'),
    );
    console.log(matched ? 'matches' : 'does not match');
    process.exitCode = answerExitCode(matched);
  });

  withEndpoint(
    events
      .command('replay')
      .description('deliver a time range of the log again to one subscription (events its pattern matches)')
      .requiredOption('--subscription <id>', 'subscription id')
      .requiredOption('--from <time>', 'ISO time, inclusive')
      .option('--to <time>', 'ISO time, exclusive (default: now)'),
  ).action(async (options: EndpointOptions & { subscription: string; from: string; to?: string }) => {
    const { replaying } = await clientFor(options).events.replay({
      subscriptionId: options.subscription,
      from: options.from,
      to: options.to ?? new Date().toISOString(),
    });
    console.log(`replaying ${replaying} event(s) to ${options.subscription}`);
  });
}
