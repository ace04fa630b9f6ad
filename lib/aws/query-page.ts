import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { cursorText } from '../core/page-cursor-text';
import type { Page, PageRequest } from '../core/ports';
import { documentSdk } from './lazy-sdk';
import { checkLimit, decodeCursor, type PageKey } from './page-cursor';

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
  return pageOf(Items, limit, keyAttributes, LastEvaluatedKey);
}

/**
 * The first `limit` of `items` (read one past the limit), with a cursor at the last of them when more
 * were read, else at `readTo` (where a read cut short stopped), else none: the last page.
 */
function pageOf(
  items: Item[],
  limit: number,
  keyAttributes: readonly string[],
  readTo: Item | undefined,
): Page<Item> {
  const keyOf = (item: Item): PageKey =>
    Object.fromEntries(keyAttributes.map((name) => [name, String(item[name])]));
  if (items.length > limit) {
    const page = items.slice(0, limit);
    return { items: page, nextCursor: cursorText(keyOf(page[limit - 1] ?? {})) };
  }
  return { items, nextCursor: readTo ? cursorText(keyOf(readTo)) : undefined };
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

/**
 * One page merged from several queries over partitions of one ordered list (write shards of an index
 * partition), each asked for `limit + 1` items past the page's start and ordered by `sortKey`, whose
 * values are unique across them. A query cut short by DynamoDB's 1 MB limit has unread items past
 * its LastEvaluatedKey that may sort before another query's items, so the page stops at the lowest
 * such key (the horizon) and the cursor names the last key given, or the horizon when the page is
 * not full: everything up to it has been read.
 */
export async function queryMergedPage(
  db: DynamoDBDocumentClient,
  inputs: readonly QueryCommandInput[],
  limit: number,
  keyAttributes: readonly string[],
  sortKey: string,
): Promise<Page<Item>> {
  const { QueryCommand } = await documentSdk();
  const results = await Promise.all(
    inputs.map((input) => db.send(new QueryCommand({ ...input, Limit: limit + 1 }))),
  );
  const sortOf = (item: Item) => String(item[sortKey]);
  let horizon: Item | undefined;
  for (const { LastEvaluatedKey: last } of results) {
    if (last && (horizon === undefined || sortOf(last) < sortOf(horizon))) horizon = last;
  }
  const bound = horizon === undefined ? undefined : sortOf(horizon);
  const sorted = results
    .flatMap((result) => result.Items ?? [])
    .filter((item) => bound === undefined || sortOf(item) <= bound)
    .sort((a, b) => (sortOf(a) < sortOf(b) ? -1 : sortOf(a) > sortOf(b) ? 1 : 0));
  // The index is eventually consistent: an item rewritten into another partition can show in both
  // for a moment. Its sort key is the same, so keeping the first of equal keys lists it once.
  const items = sorted.filter((item, i) => i === 0 || sortOf(item) !== sortOf(sorted[i - 1] ?? {}));
  return pageOf(items, limit, keyAttributes, horizon);
}
