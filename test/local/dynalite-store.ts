import { createRequire } from 'node:module';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

type Callback<T = void> = (error: Error | null | undefined, value?: T) => void;
interface Table {
  readonly TableName: string;
}
interface Store {
  getTable(name: string, cb: Callback<Table>): void;
  getItemDb(name: string): { get(key: string, cb: Callback<Item>): void };
  db: { close(): Promise<void> };
}
interface DynaliteDb {
  create(options: { path: string }): Store;
  createKey(item: Item, table: Table): string;
  updateIndexes(
    store: Store,
    table: Table,
    existing: Item | undefined,
    next: Item | null,
    cb: Callback,
  ): void;
}

const require = createRequire(import.meta.url);
// dynalite's own storage layer and actions, so that a write cut short is the very state a kill leaves.
const db = require('dynalite/db') as DynaliteDb;
const putItemAction = require('dynalite/actions/putItem') as (
  store: Store,
  data: object,
  cb: Callback,
) => void;
const deleteItemAction = require('dynalite/actions/deleteItem') as (
  store: Store,
  data: object,
  cb: Callback,
) => void;

const call = <T>(run: (cb: Callback<T>) => void) =>
  new Promise<T>((resolve, reject) => run((error, value) => (error ? reject(error) : resolve(value as T))));

/** A put of a whole item, or a delete by the item's key attributes alone. */
export type Write =
  | { readonly put: Item; readonly killed: boolean }
  | { readonly delete: Item; readonly killed: boolean };

/**
 * Opens dynalite's LevelDB at `path` directly (no server may have it open) and applies the writes in
 * order: whole, through dynalite's PutItem and DeleteItem actions, or `killed`: only what those
 * actions write before the item itself (its index entries), as when the process dies in between.
 */
export async function writeToStore(path: string, tableName: string, writes: readonly Write[]): Promise<void> {
  const store = db.create({ path });
  try {
    const table = await call<Table>((cb) => store.getTable(tableName, cb));
    for (const write of writes) {
      const target = 'put' in write ? write.put : write.delete;
      if (!write.killed) {
        if ('put' in write)
          await call((cb) => putItemAction(store, { TableName: tableName, Item: write.put }, cb));
        else await call((cb) => deleteItemAction(store, { TableName: tableName, Key: write.delete }, cb));
        continue;
      }
      const existing = await new Promise<Item | undefined>((resolve) =>
        store.getItemDb(tableName).get(db.createKey(target, table), (_, item) => resolve(item)),
      );
      await call((cb) => db.updateIndexes(store, table, existing, 'put' in write ? write.put : null, cb));
    }
  } finally {
    await store.db.close();
  }
}
