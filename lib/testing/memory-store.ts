import type { PluginStore, StoredItem, StoreListOptions } from '../sdk/context';
import { CursorExpiredError } from '../sdk/errors';

const encodeCursor = (key: string): string => Buffer.from(key, 'utf8').toString('base64url');

/** An in-memory PluginStore with the registry's semantics: keys listed in order, paged by an opaque cursor. */
export class MemoryStore implements PluginStore {
  readonly #items = new Map<string, StoredItem>();

  async get(key: string): Promise<StoredItem | undefined> {
    const item = this.#items.get(key);
    return item && structuredClone(item);
  }

  async put(key: string, value: unknown): Promise<StoredItem> {
    const item: StoredItem = { key, value: structuredClone(value), updatedAt: new Date().toISOString() };
    this.#items.set(key, item);
    return structuredClone(item);
  }

  async delete(key: string): Promise<void> {
    this.#items.delete(key);
  }

  async list(
    options: StoreListOptions = {},
  ): Promise<{ items: StoredItem[]; nextCursor?: string | undefined }> {
    const { prefix = '', limit = 100, cursor } = options;
    let after = '';
    if (cursor !== undefined) {
      after = Buffer.from(cursor, 'base64url').toString('utf8');
      if (encodeCursor(after) !== cursor) throw new CursorExpiredError('the store cursor is not valid');
    }
    const keys = [...this.#items.keys()]
      .filter((k) => k.startsWith(prefix) && (cursor === undefined || k > after))
      .sort();
    const page = keys.slice(0, limit);
    const items = page.map((k) => structuredClone(this.#items.get(k)!));
    return keys.length > limit ? { items, nextCursor: encodeCursor(page.at(-1)!) } : { items };
  }
}
