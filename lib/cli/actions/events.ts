import type { Command } from 'commander';
import type { PlatformEventRecord } from '../../client';
import { type CompiledPattern, compilePattern, matches } from '../../core/events/pattern';
import { MAX_PAGE_LIMIT } from '../../core/ports';
import { isoTime } from '../../sdk/contracts';
import { PlugboardError, ValidationError } from '../../sdk/errors';
import { clientFor } from '../api';
import type { EndpointOptions } from '../endpoint-option';
import { answerExitCode, EXIT_USAGE } from '../exit-codes';
import { jsonObject } from '../input';

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
  since?: string;
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

/**
 * --since in milliseconds since the epoch. Checked here rather than by an option parser, which the
 * declaration would load with zod for every command; a bad one is still a usage error.
 */
function sinceOf(text: string | undefined, command: Command): number {
  if (text === undefined) return Date.now();
  const checked = isoTime.safeParse(text);
  if (!checked.success)
    command.error(`--since ${checked.error.issues[0]?.message}`, {
      exitCode: EXIT_USAGE,
      code: 'commander.invalidArgument',
    });
  return Date.parse(text);
}

export async function tailEvents(options: TailOptions, command: Command): Promise<void> {
  const since = sinceOf(options.since, command);
  const client = clientFor(options);
  const pattern = options.pattern ? checkedPattern(options.pattern) : undefined;
  const max = options.max ?? Number.POSITIVE_INFINITY;
  // The log lists by event time, and an event can be logged after others of later times (publishers
  // on other threads, a caller's own Time a little behind): each poll reads again from LATE_MS
  // before the latest time seen, and the ids seen in that window are kept to print each once.
  const seen = new Map<string, number>();
  let latest = since;
  let printed = 0;
  while (printed < max) {
    const query = { from: new Date(Math.max(since, latest - LATE_MS)).toISOString(), limit: MAX_PAGE_LIMIT };
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
}

export async function publishEvent(options: PublishOptions): Promise<void> {
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
}

export async function testPattern(
  options: EndpointOptions & { pattern: string; event: string },
): Promise<void> {
  const matched = await clientFor(options).events.testPattern(
    jsonObject(options.pattern, '--pattern'),
    jsonObject(options.event, '--event'),
  );
  console.log(matched ? 'matches' : 'does not match');
  process.exitCode = answerExitCode(matched);
}

export async function replayEvents(
  options: EndpointOptions & { subscription: string; from: string; to?: string },
): Promise<void> {
  const { replaying } = await clientFor(options).events.replay({
    subscriptionId: options.subscription,
    from: options.from,
    to: options.to ?? new Date().toISOString(),
  });
  console.log(`replaying ${replaying} event(s) to ${options.subscription}`);
}
