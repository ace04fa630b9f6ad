import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { invalidCursor } from '../core/page-cursor-text';
import type {
  AppendOptions,
  DeadLetter,
  EventStore,
  GuardRecord,
  GuardStore,
  Page,
  PageRequest,
  SubscriptionRecord,
  TimeRange,
  WebhookDeliveryRecord,
  WebhookOutcomeRecord,
  WebhookRuleRecord,
  WebhookSourceRecord,
} from '../core/ports';
import type { PlatformEvent } from '../sdk/events';
import {
  deadLetterKey,
  EVENT_PARTITIONS,
  eventLogKey,
  eventPartitions,
  eventShardPartition,
  guardKey,
  keyPart,
  pendingKey,
  RULE_PREFIX,
  recordItem,
  recordOf,
  subscriptionKey,
  timeKey,
  webhookDeliveryKey,
  webhookOutcomeKey,
  webhookOutcomePartition,
  webhookPartition,
  webhookRuleKey,
  webhookSourceKey,
} from './event-items';
import { checkLimit, decodeCursor } from './page-cursor';
import { type Item, queryAll, queryMergedPage, queryPage } from './query-page';
import { REGISTRY_TABLE } from './registry-table';

export interface DynamoDbEventStoreProps {
  readonly client: DynamoDBClient;
  /** The registry table: event items live beside instances under their own pk prefixes. */
  readonly tableName: string;
  /**
   * How long a logged event stays in the log (GET /v1/events/log, replay) after it is logged;
   * DynamoDB's time to live then deletes it, usually within days. A pending event and a dead letter
   * never expire: one waits for delivery, the other for an operator.
   * @default 30 days
   */
  readonly eventLogRetentionDays?: number;
  /**
   * Told of each dead letter once it is written (the platform's functions count them for an alarm).
   * @default nothing
   */
  readonly onDeadLetter?: (letter: DeadLetter) => void;
}

const DEFAULT_EVENT_LOG_RETENTION_DAYS = 30;

const INDEX = REGISTRY_TABLE.indexes[0];
const INDEX_KEY = ['pk', 'sk', INDEX.partitionKey, INDEX.sortKey] as const;
/** The sort key a cursor of a sharded list (one of `partitions`' keys) continues after. */
const cursorPosition = (request: PageRequest, partitions: readonly string[]): string | undefined =>
  decodeCursor(request.cursor, INDEX_KEY, (key) => partitions.includes(key.gsi1pk ?? ''))?.[INDEX.sortKey];

const deliveryKey = (source: string, deliveryId: string) =>
  webhookDeliveryKey(keyPart(source, 'the webhook source'), keyPart(deliveryId, 'the delivery id'));

/** Event persistence over the registry's DynamoDB table; single-item writes only (dynalite has no transactions). */
export class DynamoDbEventStore implements EventStore, GuardStore {
  private readonly db: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly logRetentionSeconds: number;
  private readonly onDeadLetter: ((letter: DeadLetter) => void) | undefined;

  constructor(props: DynamoDbEventStoreProps) {
    this.db = DynamoDBDocumentClient.from(props.client);
    this.table = props.tableName;
    this.logRetentionSeconds = (props.eventLogRetentionDays ?? DEFAULT_EVENT_LOG_RETENTION_DAYS) * 86_400;
    this.onDeadLetter = props.onDeadLetter;
  }

  putSubscription(record: SubscriptionRecord): Promise<void> {
    const id = keyPart(record.id, 'the subscription id');
    return this.put(
      recordItem(subscriptionKey(id), record, 'the subscription', {
        gsi1pk: EVENT_PARTITIONS.subscriptions,
        gsi1sk: `${timeKey(record.createdAt, 'createdAt')}#${id}`,
      }),
    );
  }
  getSubscription(id: string): Promise<SubscriptionRecord | undefined> {
    return this.getRecord(subscriptionKey(keyPart(id, 'the subscription id')));
  }
  listSubscriptions(request: PageRequest = {}): Promise<Page<SubscriptionRecord>> {
    return this.indexPage(EVENT_PARTITIONS.subscriptions, request);
  }
  deleteSubscription(id: string): Promise<boolean> {
    return this.deleteExisting(subscriptionKey(keyPart(id, 'the subscription id')));
  }

  async appendEvent(event: PlatformEvent, { pending = true }: AppendOptions = {}): Promise<void> {
    const id = keyPart(event.id, 'the event id');
    // One index partition for every call's event throttled the table at its ~1,000 writes a second;
    // the event id picks one of EVENT_SHARDS partitions, the same for its pending and log items.
    const index = (partition: string) => ({
      gsi1pk: eventShardPartition(partition, id),
      gsi1sk: `${timeKey(event.time, 'the event time')}#${id}`,
    });
    // Pending first: an event logged but not marked pending could be skipped by recovery.
    if (pending)
      await this.put(recordItem(pendingKey(id), event, 'the event', index(EVENT_PARTITIONS.pending)));
    // The log without an end grew by an item per call for ever. Expiry counts from the logging, not
    // the event's own time, which a publisher sets: an event dated last year stays its full term.
    const logged = recordItem(eventLogKey(id), event, 'the event', index(EVENT_PARTITIONS.log));
    logged[REGISTRY_TABLE.timeToLiveAttribute] = Math.floor(Date.now() / 1000) + this.logRetentionSeconds;
    await this.put(logged);
  }
  async completeEvent(id: string): Promise<void> {
    // The table's key is pk/sk alone: an event has one pending item, in whichever index partition
    // (its shard, or the unsharded one if it was published before the shards), and this deletes it.
    await this.db.send(
      new DeleteCommand({ TableName: this.table, Key: pendingKey(keyPart(id, 'the event id')) }),
    );
  }
  listPending(request: PageRequest = {}): Promise<Page<PlatformEvent>> {
    const partitions = eventPartitions(EVENT_PARTITIONS.pending);
    const after = cursorPosition(request, partitions);
    return this.shardedPage(partitions, request, after === undefined ? undefined : { after });
  }
  async listEvents(range: TimeRange, request: PageRequest = {}): Promise<Page<PlatformEvent>> {
    // `<to>` sorts before every `<to>#<id>`, so BETWEEN leaves out events at `to` itself.
    const from = timeKey(range.from, 'from');
    const to = timeKey(range.to, 'to');
    const partitions = eventPartitions(EVENT_PARTITIONS.log);
    // A cursor is the last listed key, of any shard (or of the unsharded partition, as before the
    // shards). One before `from` (a default window that moved past the page's last event) continues
    // from `from`: every event in the range comes after it, as the local log has it. One at or past
    // `to` was made for another range (and would make BETWEEN's bounds cross, which DynamoDB refuses).
    const after = cursorPosition(request, partitions);
    if (after !== undefined && after >= to) throw invalidCursor();
    return this.shardedPage(partitions, request, {
      after: after !== undefined && after >= from ? after : undefined,
      from,
      to,
    });
  }

  /**
   * A page of events merged from every shard's query. The page's start is a sort key condition, not
   * ExclusiveStartKey: that must be a key of the very query it continues, and the cursor's key
   * belongs to one shard only, so K start keys would have to travel in the cursor. "After the
   * cursor's key" is `>` alone; with a range's `to` (one sort key condition per query) it is BETWEEN
   * from the key followed by a space: keys are printable ASCII without spaces (keyPart, ISO times),
   * so no key lies between the two, the cursor's own key sorts before and a space is never a key.
   */
  private async shardedPage(
    partitions: readonly string[],
    request: PageRequest,
    bounds: { after?: string; from?: string; to?: string } | undefined,
  ): Promise<Page<PlatformEvent>> {
    const limit = checkLimit(request.limit);
    // DynamoDB refuses an attribute name the expression does not use, so `#s` only with a bound.
    const names = { '#p': INDEX.partitionKey, '#s': INDEX.sortKey };
    const inputs = partitions.map((partition): QueryCommandInput => {
      const base = { TableName: this.table, IndexName: INDEX.name, ExpressionAttributeNames: names };
      if (bounds?.to !== undefined) {
        const lower = bounds.after !== undefined ? `${bounds.after} ` : bounds.from;
        return {
          ...base,
          KeyConditionExpression: '#p = :p AND #s BETWEEN :lower AND :to',
          ExpressionAttributeValues: { ':p': partition, ':lower': lower, ':to': bounds.to },
        };
      }
      if (bounds?.after !== undefined) {
        return {
          ...base,
          KeyConditionExpression: '#p = :p AND #s > :after',
          ExpressionAttributeValues: { ':p': partition, ':after': bounds.after },
        };
      }
      return {
        ...base,
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: { '#p': INDEX.partitionKey },
        ExpressionAttributeValues: { ':p': partition },
      };
    });
    const page = await queryMergedPage(this.db, inputs, limit, INDEX_KEY, INDEX.sortKey);
    return { items: page.items.map((item) => recordOf<PlatformEvent>(item)), nextCursor: page.nextCursor };
  }

  putDeadLetter(letter: DeadLetter): Promise<void> {
    return this.writeDeadLetter(letter);
  }
  async replaceDeadLetter(letter: DeadLetter): Promise<boolean> {
    try {
      await this.writeDeadLetter(letter, 'attribute_exists(pk)');
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
  private async writeDeadLetter(letter: DeadLetter, condition?: string): Promise<void> {
    const id = keyPart(letter.id, 'the dead letter id');
    await this.put(
      recordItem(deadLetterKey(id), letter, 'the dead letter', {
        gsi1pk: EVENT_PARTITIONS.deadLetters,
        gsi1sk: `${timeKey(letter.failedAt, 'failedAt')}#${id}`,
      }),
      condition,
    );
    this.onDeadLetter?.(letter);
  }
  getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    return this.getRecord(deadLetterKey(keyPart(id, 'the dead letter id')));
  }
  listDeadLetters(request: PageRequest = {}): Promise<Page<DeadLetter>> {
    return this.indexPage(EVENT_PARTITIONS.deadLetters, request);
  }
  deleteDeadLetter(id: string): Promise<boolean> {
    return this.deleteExisting(deadLetterKey(keyPart(id, 'the dead letter id')));
  }

  putWebhookSource(record: WebhookSourceRecord): Promise<void> {
    const name = keyPart(record.name, 'the webhook source name');
    return this.put(
      recordItem(webhookSourceKey(name), record, 'the webhook source', {
        gsi1pk: EVENT_PARTITIONS.webhookSources,
        gsi1sk: name,
      }),
    );
  }
  getWebhookSource(name: string): Promise<WebhookSourceRecord | undefined> {
    return this.getRecord(webhookSourceKey(keyPart(name, 'the webhook source name')));
  }
  async listWebhookSources(): Promise<WebhookSourceRecord[]> {
    return (await queryAll(this.db, this.indexQuery(EVENT_PARTITIONS.webhookSources))).map((item) =>
      recordOf<WebhookSourceRecord>(item),
    );
  }
  deleteWebhookSource(name: string): Promise<boolean> {
    return this.deleteExisting(webhookSourceKey(keyPart(name, 'the webhook source name')));
  }
  putWebhookRule(record: WebhookRuleRecord): Promise<void> {
    const key = webhookRuleKey(
      keyPart(record.source, 'the webhook source'),
      keyPart(record.id, 'the rule id'),
    );
    return this.put(recordItem(key, record, 'the webhook rule'));
  }
  async listWebhookRules(source: string): Promise<WebhookRuleRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :rule)',
      ExpressionAttributeValues: {
        ':p': webhookPartition(keyPart(source, 'the webhook source')),
        ':rule': RULE_PREFIX,
      },
      ConsistentRead: true,
    });
    return items.map((item) => recordOf<WebhookRuleRecord>(item));
  }
  deleteWebhookRule(source: string, id: string): Promise<boolean> {
    return this.deleteExisting(
      webhookRuleKey(keyPart(source, 'the webhook source'), keyPart(id, 'the rule id')),
    );
  }
  async recordWebhookDelivery(record: WebhookDeliveryRecord): Promise<boolean> {
    try {
      await this.put(this.deliveryItem(record), 'attribute_not_exists(pk)');
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
  updateWebhookDelivery(record: WebhookDeliveryRecord): Promise<void> {
    return this.put(this.deliveryItem(record));
  }
  getWebhookDelivery(source: string, deliveryId: string): Promise<WebhookDeliveryRecord | undefined> {
    return this.getRecord(deliveryKey(source, deliveryId));
  }
  deleteWebhookDelivery(source: string, deliveryId: string): Promise<boolean> {
    return this.deleteExisting(deliveryKey(source, deliveryId));
  }
  async listWebhookDeliveries(
    source: string,
    request: PageRequest = {},
  ): Promise<Page<WebhookDeliveryRecord>> {
    return this.indexPage(
      EVENT_PARTITIONS.webhookDeliveries(keyPart(source, 'the webhook source')),
      request,
      false,
    );
  }

  async noteWebhookOutcome(source: string, deliveryId: string, outcome: WebhookOutcomeRecord): Promise<void> {
    const key = webhookOutcomeKey(
      keyPart(source, 'the webhook source'),
      keyPart(deliveryId, 'the delivery id'),
      keyPart(outcome.rule, 'the rule id'),
      keyPart(outcome.instance, 'the instance name'),
    );
    return this.put(recordItem(key, outcome, 'the webhook outcome'));
  }
  async listWebhookOutcomes(source: string, deliveryId: string): Promise<WebhookOutcomeRecord[]> {
    return (await queryAll(this.db, this.outcomeQuery(source, deliveryId))).map((item) =>
      recordOf<WebhookOutcomeRecord>(item),
    );
  }
  async clearWebhookOutcomes(source: string, deliveryId: string): Promise<void> {
    const items = await queryAll(this.db, {
      ...this.outcomeQuery(source, deliveryId),
      ProjectionExpression: 'pk, sk',
    });
    await Promise.all(
      items.map((item) => this.deleteExisting({ pk: item.pk as string, sk: item.sk as string })),
    );
  }

  putGuard(record: GuardRecord): Promise<void> {
    const id = keyPart(record.id, 'the guard id');
    return this.put(
      recordItem(guardKey(id), record, 'the guard', { gsi1pk: EVENT_PARTITIONS.guards, gsi1sk: id }),
    );
  }
  async listGuards(): Promise<GuardRecord[]> {
    return (await queryAll(this.db, this.indexQuery(EVENT_PARTITIONS.guards))).map((item) =>
      recordOf<GuardRecord>(item),
    );
  }
  deleteGuard(id: string): Promise<boolean> {
    return this.deleteExisting(guardKey(keyPart(id, 'the guard id')));
  }

  private deliveryItem(record: WebhookDeliveryRecord): Item {
    const source = keyPart(record.source, 'the webhook source');
    const deliveryId = keyPart(record.deliveryId, 'the delivery id');
    return recordItem(webhookDeliveryKey(source, deliveryId), record, 'the webhook delivery', {
      gsi1pk: EVENT_PARTITIONS.webhookDeliveries(source),
      gsi1sk: `${timeKey(record.receivedAt, 'receivedAt')}#${deliveryId}`,
    });
  }

  private outcomeQuery(source: string, deliveryId: string): QueryCommandInput {
    return {
      TableName: this.table,
      KeyConditionExpression: 'pk = :p',
      ExpressionAttributeValues: {
        ':p': webhookOutcomePartition(
          keyPart(source, 'the webhook source'),
          keyPart(deliveryId, 'the delivery id'),
        ),
      },
      ConsistentRead: true,
    };
  }

  private indexQuery(partition: string, forward = true): QueryCommandInput {
    return {
      TableName: this.table,
      IndexName: INDEX.name,
      KeyConditionExpression: '#p = :p',
      ExpressionAttributeNames: { '#p': INDEX.partitionKey },
      ExpressionAttributeValues: { ':p': partition },
      ScanIndexForward: forward,
    };
  }

  private async indexPage<T>(partition: string, request: PageRequest, forward = true): Promise<Page<T>> {
    const page = await queryPage(
      this.db,
      this.indexQuery(partition, forward),
      request,
      INDEX_KEY,
      (key) => key.gsi1pk === partition,
    );
    return { items: page.items.map((item) => recordOf<T>(item)), nextCursor: page.nextCursor };
  }

  private async put(item: Item, condition?: string): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: item,
        ...(condition ? { ConditionExpression: condition } : {}),
      }),
    );
  }

  private async getRecord<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
    );
    return Item ? recordOf<T>(Item) : undefined;
  }

  private async deleteExisting(key: { pk: string; sk: string }): Promise<boolean> {
    const { Attributes } = await this.db.send(
      new DeleteCommand({ TableName: this.table, Key: key, ReturnValues: 'ALL_OLD' }),
    );
    return Attributes !== undefined;
  }
}
