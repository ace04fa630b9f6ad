import { checkLimit, decodeCursor } from '../aws/page-cursor';
import {
  checkInstanceName,
  checkSlug,
  checkStoreKey,
  type Item,
  storedFromItem,
  storedItem,
} from '../aws/registry-items';
import { REGISTRY_TABLE, storePartition } from '../aws/registry-table';
import { cursorText } from '../core/page-cursor-text';
import type { PluginStore, StoredItem, StoreListOptions } from '../sdk/context';

const TABLE_KEY = [REGISTRY_TABLE.partitionKey, REGISTRY_TABLE.sortKey];

/** DynamoDB orders string sort keys by their UTF-8 bytes, not by UTF-16 code units as `sort()` does. */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

export interface MemoryStoreScope {
  /** @default 'test-plugin' */
  plugin?: string;
  /** @default 'test-instance' */
  instance?: string;
}

/**
 * An in-memory PluginStore with the registry's semantics: it keeps the very items the registry
 * writes (registry-items.ts), so a key, a value or an item the registry refuses is refused here with
 * the same error, a value reads back as its JSON, and keys list in the table's order, paged by the
 * registry's cursors. The scope names the partition, whose key counts toward an item's size.
 */
export class MemoryStore implements PluginStore {
  readonly #items = new Map<string, Item>();
  readonly #plugin: string;
  readonly #instance: string;

  constructor(scope: MemoryStoreScope = {}) {
    this.#plugin = checkSlug(scope.plugin ?? 'test-plugin');
    this.#instance = checkInstanceName(scope.instance ?? 'test-instance');
  }

  async get(key: string): Promise<StoredItem | undefined> {
    const item = this.#items.get(checkStoreKey(key));
    return item && storedFromItem(item);
  }

  async put(key: string, value: unknown): Promise<StoredItem> {
    const sk = checkStoreKey(key);
    const item = storedItem(this.#plugin, this.#instance, sk, value, new Date().toISOString());
    this.#items.set(sk, item);
    return storedFromItem(item);
  }

  async delete(key: string): Promise<void> {
    this.#items.delete(checkStoreKey(key));
  }

  async list(
    options: StoreListOptions = {},
  ): Promise<{ items: StoredItem[]; nextCursor?: string | undefined }> {
    const partition = storePartition(this.#plugin, this.#instance);
    const prefix = options.prefix ?? '';
    if (prefix !== '') checkStoreKey(prefix);
    const limit = checkLimit(options.limit);
    const after = decodeCursor(
      options.cursor,
      TABLE_KEY,
      (key) => key.pk === partition && (key.sk ?? '').startsWith(prefix),
    )?.sk;
    const keys = [...this.#items.keys()]
      .filter((k) => k.startsWith(prefix) && (after === undefined || byteOrder(k, after) > 0))
      .sort(byteOrder);
    const page = keys.slice(0, limit);
    return {
      items: page.map((k) => storedFromItem(this.#items.get(k)!)),
      nextCursor: keys.length > limit ? cursorText({ pk: partition, sk: page.at(-1)! }) : undefined,
    };
  }
}
