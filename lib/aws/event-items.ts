import { PlugboardError } from '../sdk/errors';
import type { Item } from './query-page';
import { assertFits, toJson } from './registry-items';

/**
 * Event persistence items in the registry table, each under its own pk prefix (none starts with
 * `STORE#`, which belongs to plugin storage). A record is kept whole as JSON in `data`; the keys
 * carry only what queries need.
 *
 * - subscription: pk `SUBSCRIPTION#<id>` sk `SUBSCRIPTION`, gsi1 `SUBSCRIPTIONS` / `<createdAt>#<id>`
 * - logged event: pk `EVENT#<id>` sk `LOG`, gsi1 `EVENTLOG` / `<time>#<id>`
 * - pending event: pk `EVENT#<id>` sk `PENDING`, gsi1 `EVENTS_PENDING` / `<time>#<id>`
 * - dead letter: pk `DEADLETTER#<id>` sk `DEADLETTER`, gsi1 `DEADLETTERS` / `<failedAt>#<id>`
 * - webhook source: pk `WEBHOOK#<name>` sk `SOURCE`, gsi1 `WEBHOOK_SOURCES` / `<name>`
 * - webhook rule: pk `WEBHOOK#<name>` sk `RULE#<id>`
 * - webhook delivery: pk `WEBHOOK#<name>` sk `DELIVERY#<id>`, gsi1 `WEBHOOK_DELIVERIES#<name>` / `<receivedAt>#<id>`
 * - guard: pk `GUARD#<id>` sk `GUARD`, gsi1 `GUARDS` / `<id>`
 */
export const EVENT_PARTITIONS = {
  subscriptions: 'SUBSCRIPTIONS',
  log: 'EVENTLOG',
  pending: 'EVENTS_PENDING',
  deadLetters: 'DEADLETTERS',
  webhookSources: 'WEBHOOK_SOURCES',
  webhookDeliveries: (source: string) => `WEBHOOK_DELIVERIES#${source}`,
  guards: 'GUARDS',
} as const;

export const subscriptionKey = (id: string) => ({ pk: `SUBSCRIPTION#${id}`, sk: 'SUBSCRIPTION' });
/** Partition key prefixes of events and dead letters (a grant can be limited to them). */
export const EVENT_PARTITION = 'EVENT#';
export const DEAD_LETTER_PARTITION = 'DEADLETTER#';
export const eventLogKey = (id: string) => ({ pk: `${EVENT_PARTITION}${id}`, sk: 'LOG' });
export const pendingKey = (id: string) => ({ pk: `${EVENT_PARTITION}${id}`, sk: 'PENDING' });
export const deadLetterKey = (id: string) => ({ pk: `${DEAD_LETTER_PARTITION}${id}`, sk: 'DEADLETTER' });
export const webhookPartition = (source: string) => `WEBHOOK#${source}`;
export const webhookSourceKey = (name: string) => ({ pk: webhookPartition(name), sk: 'SOURCE' });
export const RULE_PREFIX = 'RULE#';
export const webhookRuleKey = (source: string, id: string) => ({
  pk: webhookPartition(source),
  sk: `${RULE_PREFIX}${id}`,
});
export const webhookDeliveryKey = (source: string, deliveryId: string) => ({
  pk: webhookPartition(source),
  sk: `DELIVERY#${deliveryId}`,
});
export const guardKey = (id: string) => ({ pk: `GUARD#${id}`, sk: 'GUARD' });

/** A key part must be a non-empty string of printable characters, at most 256. */
export function keyPart(value: unknown, what: string): string {
  if (typeof value !== 'string' || !/^[\x21-\x7e]{1,256}$/.test(value)) {
    throw new PlugboardError('Validation', `${what} must be 1-256 printable ASCII characters without spaces`);
  }
  return value;
}

/** ISO time as a sortable key; the same instant always gives the same text. */
export function timeKey(time: string, what: string): string {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) throw new PlugboardError('Validation', `${what} must be an ISO 8601 time`);
  return new Date(ms).toISOString();
}

export function recordItem(
  key: { pk: string; sk: string },
  record: unknown,
  what: string,
  index?: { gsi1pk: string; gsi1sk: string },
): Item {
  const item: Item = { ...key, ...index, data: toJson(record, what) };
  assertFits(item, what);
  return item;
}

export function recordOf<T>(item: Item): T {
  if (typeof item.data !== 'string')
    throw new PlugboardError('Internal', 'the registry holds a corrupted record');
  try {
    return JSON.parse(item.data) as T;
  } catch {
    throw new PlugboardError('Internal', 'the registry holds a corrupted record');
  }
}
