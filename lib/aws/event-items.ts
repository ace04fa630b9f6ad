import { PlugboardError } from '../sdk/errors';
import { toJson } from './item-json';
import { assertFits } from './item-size';
import type { Item } from './query-page';

/**
 * Event persistence items in the registry table, each under its own pk prefix (none starts with
 * `STORE#`, which belongs to plugin storage). A record is kept whole as JSON in `data`; the keys
 * carry only what queries need.
 *
 * - subscription: pk `SUBSCRIPTION#<id>` sk `SUBSCRIPTION`, gsi1 `SUBSCRIPTIONS` / `<createdAt>#<id>`
 * - logged event: pk `EVENT#<id>` sk `LOG`, gsi1 `EVENTLOG#<shard>` / `<time>#<id>`
 * - pending event: pk `EVENT#<id>` sk `PENDING`, gsi1 `EVENTS_PENDING#<shard>` / `<time>#<id>`
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

/**
 * Write shards of the event log's and the pending events' index partitions. Every call logs an event,
 * and one GSI partition takes about 1,000 writes a second (a throttled index throttles the table's
 * writes), so the events are spread over 8 partitions: 8 times that ceiling, for 8 queries (9 while
 * the unsharded partition is still read) merged per page. More shards lift the ceiling further but
 * cost every page a query more each.
 */
export const EVENT_SHARDS = 8;

/**
 * The shard of an event: FNV-1a (32 bits) of its id mod EVENT_SHARDS. Stable across processes and
 * releases, so an event's pending item and its log item land in the same shard whoever writes them;
 * ids are printable ASCII (keyPart), so char codes are their UTF-8 bytes.
 */
export function eventShard(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % EVENT_SHARDS;
}

const shardPartition = (partition: string, shard: number) => `${partition}#${shard}`;

/** The index partition of an event in the log or pending list (`EVENTLOG#<n>`, `EVENTS_PENDING#<n>`). */
export const eventShardPartition = (partition: string, id: string) =>
  shardPartition(partition, eventShard(id));

/**
 * Every index partition a listing of the log or pending list reads: the shards, and the unsharded
 * partition (`EVENTLOG`, `EVENTS_PENDING`) where events were written before the shards, read as one
 * more shard so that nothing logged before the deploy drops out of the listing. Its log items
 * expire by time to live (eventLogRetentionDays, 30 by default, plus the up to two days DynamoDB
 * takes to delete them); its pending items are deleted on delivery. Once a query of each unsharded
 * partition comes back empty (the log a retention period and a few days after the deploy, pending
 * when the events then waiting have all been delivered), this last entry can be dropped.
 */
export const eventPartitions = (partition: string): string[] => [
  ...Array.from({ length: EVENT_SHARDS }, (_, n) => shardPartition(partition, n)),
  partition,
];

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
/**
 * A delivery's outcome notes, apart from its record, so that noting one writes a small item, not the
 * whole payload again. The delivery id comes last in the partition (it may hold "#"; a source name
 * and a rule id do not), and a rule id and an instance name hold no "#".
 */
export const webhookOutcomePartition = (source: string, deliveryId: string) =>
  `WEBHOOKOUTCOME#${source}#${deliveryId}`;
export const webhookOutcomeKey = (source: string, deliveryId: string, rule: string, instance: string) => ({
  pk: webhookOutcomePartition(source, deliveryId),
  sk: `${rule}#${instance}`,
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
