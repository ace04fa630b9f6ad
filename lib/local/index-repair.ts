import { isDeepStrictEqual } from 'node:util';
import {
  type AttributeValue,
  DeleteItemCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  type KeySchemaElement,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

/** What a repair found and mended; all zero after a stop that lost nothing. */
export interface IndexRepair {
  /** Items of the table that carry index keys, each compared with its index entries. */
  readonly checked: number;
  /** Items written again because an index missed them or held other values for them. */
  readonly reindexed: number;
  /** Index entries removed: their item was never written, or is stored under other index keys. */
  readonly removed: number;
}

/**
 * Brings a dynalite table's secondary indexes back in step with its items after the process was
 * killed. dynalite writes an item's index entries first and the item after them, as separate
 * LevelDB writes, so a kill in between leaves an entry for an item that was never stored, the entries
 * of an update whose item kept its old values, or none for an item whose delete did not finish.
 * DynamoDB keeps its indexes consistent itself; only the local stand-in needs this.
 *
 * The repair goes through dynalite's own API, whose writes always reconcile an item's index entries
 * with the item they replace: an item is put again to re-index it, and an index entry whose item is
 * missing or stored under other index keys is first put as an item (so that it is what the next write
 * replaces), then deleted or overwritten by the stored item. Run it before anything else uses the table.
 */
export async function repairIndexes(client: DynamoDBClient, tableName: string): Promise<IndexRepair> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  const tableKeys = names(Table?.KeySchema);
  const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((index) => ({
    name: index.IndexName!,
    keys: names(index.KeySchema),
  }));
  const keyOf = (item: Item) => JSON.stringify(tableKeys.map((name) => item[name]));
  const hasKeys = (item: Item, keys: readonly string[]) => keys.every((name) => item[name] !== undefined);
  const keyAttributes = (item: Item) => Object.fromEntries(tableKeys.map((name) => [name, item[name]!]));
  const put = (item: Item) => client.send(new PutItemCommand({ TableName: tableName, Item: item }));
  const get = async (item: Item) =>
    (
      await client.send(
        new GetItemCommand({ TableName: tableName, Key: keyAttributes(item), ConsistentRead: true }),
      )
    ).Item;

  const items = new Map<string, Item>();
  for await (const item of scan(client, tableName)) {
    if (indexes.some((index) => hasKeys(item, index.keys))) items.set(keyOf(item), item);
  }
  let reindexed = 0;
  let removed = 0;
  const rewritten = new Set<string>();
  for (const index of indexes) {
    const entered = new Set<string>();
    for await (const entry of scan(client, tableName, index.name)) {
      const key = keyOf(entry);
      // An item not among the indexed ones may still exist, stored since without this index's keys.
      const item = items.get(key) ?? (await get(entry));
      if (item && isDeepStrictEqual(entry, item)) {
        entered.add(key);
        continue;
      }
      if (item && index.keys.every((name) => isDeepStrictEqual(entry[name], item[name]))) continue;
      // The entry belongs to no stored item: made the item for a moment, it is then replaced.
      await put(entry);
      if (item) {
        await put(item);
        rewritten.add(key);
      } else {
        await client.send(new DeleteItemCommand({ TableName: tableName, Key: keyAttributes(entry) }));
      }
      removed++;
    }
    for (const [key, item] of items) {
      if (entered.has(key) || rewritten.has(key) || !hasKeys(item, index.keys)) continue;
      await put(item);
      rewritten.add(key);
      reindexed++;
    }
  }
  return { checked: items.size, reindexed, removed };
}

function names(schema: KeySchemaElement[] | undefined): string[] {
  return (schema ?? []).map((element) => element.AttributeName!);
}

async function* scan(client: DynamoDBClient, tableName: string, indexName?: string): AsyncGenerator<Item> {
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, IndexName: indexName, ExclusiveStartKey: start }),
    );
    yield* page.Items ?? [];
    start = page.LastEvaluatedKey;
  } while (start);
}
