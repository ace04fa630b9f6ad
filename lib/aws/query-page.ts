import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../core/ports';
import { documentSdk } from './lazy-sdk';
import { checkLimit, decodeCursor, encodeCursor, type PageKey } from './page-cursor';

export type Item = Record<string, unknown>;

/**
 * One page of a query with an opaque cursor. Asks for one item more than the limit so the last page
 * carries no cursor; a page cut short by DynamoDB's 1 MB limit continues from its LastEvaluatedKey.
 */
export async function queryPage(
  db: DynamoDBDocumentClient,
  input: QueryCommandInput,
  request: PageRequest,
  keyAttributes: readonly string[],
  belongs: (key: PageKey) => boolean,
): Promise<Page<Item>> {
  const limit = checkLimit(request.limit);
  const start = decodeCursor(request.cursor, keyAttributes, belongs);
  const { QueryCommand } = await documentSdk();
  const { Items = [], LastEvaluatedKey } = await db.send(
    new QueryCommand({ ...input, Limit: limit + 1, ...(start ? { ExclusiveStartKey: start } : {}) }),
  );
  const keyOf = (item: Item): PageKey =>
    Object.fromEntries(keyAttributes.map((name) => [name, String(item[name])]));
  if (Items.length > limit) {
    const items = Items.slice(0, limit);
    return { items, nextCursor: encodeCursor(keyOf(items[limit - 1] ?? {})) };
  }
  return { items: Items, nextCursor: LastEvaluatedKey ? encodeCursor(keyOf(LastEvaluatedKey)) : undefined };
}

/** Every item of a query, page after page (for small partitions: rules, sources, guards). */
export async function queryAll(db: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const { QueryCommand } = await documentSdk();
  const items: Item[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}
