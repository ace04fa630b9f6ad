import { checkLimit, decodeCursor } from '../aws/page-cursor';
import type { Item } from '../aws/query-page';
import { storePartition, TABLE_KEY } from '../aws/registry-table';
import { checkStoreKey, checkStoreOwner, storedFromItem, storedItem } from '../aws/store-items';
import { newGeneration } from '../core/instances/generation';
import { cursorText } from '../core/page-cursor-text';
import type { StoreOwner } from '../core/ports';
import type { PluginStore, StoredItem, StoreListOptions } from '../sdk/context';

/** DynamoDB orders string sort keys by their UTF-8 bytes, not by UTF-16 code units as `sort()` does. */
const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

export interface MemoryStoreScope {
  /** @default 'test-plugin' */
  plugin?: string;
  /** @default 'test-instance' */
  instance?: string;
  /**
   * Which instance of the name, as the platform tells two instances of one name apart: part of the
   * partition's key, so of each item's size and of the list cursors.
   * @default a new one, as the platform gives each instance it creates
   */
  generation?: string;
}

/**
 * An in-memory PluginStore with the registry's semantics: it keeps the very items the registry
 * writes (store-items.ts), so a key, a value or an item the registry refuses is refused here with
 * the same error, a value reads back as its JSON, and keys list in the table's order, paged by the
 * registry's cursors. The scope names the partition, whose key counts toward an item's size.
 */
export class MemoryStore implements PluginStore {
  readonly #items = new Map<string, Item>();
  readonly #owner: StoreOwner;

  constructor(scope: MemoryStoreScope = {}) {
    this.#owner = checkStoreOwner({
      plugin: scope.plugin ?? 'test-plugin',
      name: scope.instance ?? 'test-instance',
      generation: scope.generation ?? newGeneration(),
    });
  }

  async get(key: string): Promise<StoredItem | undefined> {
    const item = this.#items.get(checkStoreKey(key));
    return item && storedFromItem(item);
  }

  async put(key: string, value: unknown): Promise<StoredItem> {
    const sk = checkStoreKey(key);
    const item = storedItem(this.#owner, sk, value, new Date().toISOString());
    this.#items.set(sk, item);
    return storedFromItem(item);
  }

  async delete(key: string): Promise<void> {
    this.#items.delete(checkStoreKey(key));
  }

  async list(
    options: StoreListOptions = {},
  ): Promise<{ items: StoredItem[]; nextCursor?: string | undefined }> {
    const partition = storePartition(this.#owner);
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
