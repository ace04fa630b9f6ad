import type {
  EventBridgeClient,
  PutEventsCommandOutput,
  PutEventsRequestEntry,
  PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { checkEvent, entrySize, MAX_REQUEST_BYTES } from '../core/events/event-schema';
import type { EventBus } from '../core/ports';
import { PlugboardError } from '../sdk/errors';
import type { PlatformEvent } from '../sdk/events';
import { deploymentFault, eventBridgeFault, refusedEntries } from './eventbridge-errors';
import { connection, eventBridgeSdk } from './lazy-sdk';

export interface EventBridgeBusOptions {
  /** @default a client made on the first publish, the SDK loaded then */
  readonly client?: EventBridgeClient;
  readonly busName: string;
  /**
   * How many times an entry EventBridge reports as failed is sent in all.
   * @default 4
   */
  readonly maxAttempts?: number;
  /**
   * First delay before resending failed entries; doubles each attempt (full jitter).
   * @default 100
   */
  readonly baseDelayMs?: number;
}

/** PutEvents takes at most 10 entries per request. */
const MAX_ENTRIES = 10;

/** Puts platform events on an EventBridge bus; rules on the bus do the fan-out. */
export class EventBridgeBus implements EventBus {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly connection = connection(
    eventBridgeSdk,
    (sdk) => this.options.client ?? new sdk.EventBridgeClient({}),
  );

  constructor(private readonly options: EventBridgeBusOptions) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 100;
  }

  /** The ids are EventBridge's: it gives every event it takes an id of its own, which rules deliver. */
  async publish(events: PlatformEvent[]): Promise<string[]> {
    // Every event is checked and the batches built before anything is sent: one bad event rejects
    // the whole call, as the local bus does, with Validation naming it, instead of going out as an
    // entry EventBridge refuses (an internal error) while the rest of its batch is published.
    const entries = events.map((event, i) =>
      toEntry(checkEvent(event, events.length > 1 ? `/${i}` : ''), this.options.busName),
    );
    const ids: (string | undefined)[] = [];
    for (const batch of batches(entries)) ids.push(...(await this.putWithRetries(batch)));
    // EventBridge names every entry it takes; an answer naming none keeps the event's own id.
    return ids.map((id, i) => id ?? events[i]!.id);
  }

  /**
   * Resends the entries EventBridge failed for a transient reason (throttling, an internal failure);
   * an entry it refused for any other reason fails the call at once, since sent again it would be
   * refused again.
   */
  private async putWithRetries(batch: PutEventsRequestEntry[]): Promise<(string | undefined)[]> {
    const ids: (string | undefined)[] = batch.map(() => undefined);
    let pending = batch.map((entry, at) => ({ entry, at }));
    let failures: PutEventsResultEntry[] = [];
    for (let attempt = 1; attempt <= this.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 1) await sleep(Math.random() * this.baseDelayMs * 2 ** (attempt - 2));
      const results = await this.put(pending.map(({ entry }) => entry));
      // Results come back in request order; an entry failed when its result has an ErrorCode.
      const retry: typeof pending = [];
      const refused: PutEventsResultEntry[] = [];
      failures = [];
      for (const [i, sent] of pending.entries()) {
        const result = results[i];
        if (result?.ErrorCode === undefined) {
          if (result?.EventId !== undefined) ids[sent.at] = result.EventId;
        } else if (eventBridgeFault(result.ErrorCode) === 'transient') {
          retry.push(sent);
          failures.push(result);
        } else refused.push(result);
      }
      if (refused.length > 0) throw refusedEntries(refused);
      pending = retry;
    }
    if (pending.length === 0) return ids;
    const codes = [...new Set(failures.map((result) => result.ErrorCode))].join(', ');
    throw new PlugboardError(
      'Unavailable',
      `${pending.length} event(s) could not be put on the bus after ${this.maxAttempts} attempts (${codes})`,
    );
  }

  private async put(entries: PutEventsRequestEntry[]): Promise<PutEventsResultEntry[]> {
    let output: PutEventsCommandOutput;
    try {
      const { sdk, client } = await this.connection();
      output = await client.send(new sdk.PutEventsCommand({ Entries: entries }));
    } catch (error) {
      throw translate(error);
    }
    if (!output.FailedEntryCount && !output.Entries) return entries.map(() => ({}));
    return output.Entries ?? entries.map(() => ({ ErrorCode: 'Unknown' }));
  }
}

/**
 * EventBridge's exception in the platform's terms, told by its name as a failed entry is by its
 * code. A request refused as not valid is answered with the SDK's own error, as the registry leaves
 * DynamoDB's: logged with its message where it is caught, the bare 500 of every unexpected error to
 * the caller.
 */
function translate(error: unknown): unknown {
  const code = error instanceof Error ? error.name : 'Error';
  switch (eventBridgeFault(code)) {
    case 'deployment':
      return deploymentFault([code]);
    case 'invalid':
      return error;
    case 'transient':
      return new PlugboardError('Unavailable', `the event bus is unavailable (${code}); retry shortly`);
  }
}

function toEntry(event: PlatformEvent, busName: string): PutEventsRequestEntry {
  return {
    EventBusName: busName,
    Source: event.source,
    DetailType: event['detail-type'],
    Detail: JSON.stringify(event.detail),
    Resources: event.resources,
    Time: new Date(event.time),
  };
}

function batches(entries: PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const all: PutEventsRequestEntry[][] = [];
  let batch: PutEventsRequestEntry[] = [];
  let size = 0;
  for (const entry of entries) {
    // checkEvent held each entry to MAX_ENTRY_BYTES, so every batch takes at least one.
    const bytes = entrySize(entry);
    if (batch.length === MAX_ENTRIES || size + bytes > MAX_REQUEST_BYTES) {
      all.push(batch);
      batch = [];
      size = 0;
    }
    batch.push(entry);
    size += bytes;
  }
  if (batch.length > 0) all.push(batch);
  return all;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
