import * as z from 'zod';
import { GENERATION } from '../core/instances/generation';
import type { StoreOwner } from '../core/ports';
import type { StoredItem } from '../sdk/context';
import { check, checkInstanceName, checkSlug } from './item-checks';
import { fromJson, toJson } from './item-json';
import { assertFits } from './item-size';
import type { Item } from './query-page';
import { storePartition } from './registry-table';

/** How plugin-owned storage's keys and values become registry items and back. */

const MAX_SORT_KEY_BYTES = 1024;

/** Part of a store partition's key, so no "#" either. */
const generation = z.string().regex(new RegExp(`^${GENERATION}$`), 'must be 1-64 of A-Z, a-z, 0-9, "_", "-"');
const StoreKeySchema = z
  .string()
  .min(1, 'must not be empty')
  .refine(
    (key) => Buffer.byteLength(key) <= MAX_SORT_KEY_BYTES,
    `must be at most ${MAX_SORT_KEY_BYTES} bytes`,
  );

export const checkStoreKey = (value: unknown): string => check(StoreKeySchema, value, 'the store key');
/** Only the owner's own fields, each checked: a local worker's store calls name the owner themselves. */
export const checkStoreOwner = ({ plugin, name, generation: given }: StoreOwner): StoreOwner => ({
  plugin: checkSlug(plugin),
  name: checkInstanceName(name),
  generation: given === undefined ? undefined : check(generation, given, 'the generation'),
});

export const storeKey = (owner: StoreOwner, key: string) => ({ pk: storePartition(owner), sk: key });

export function storedItem(owner: StoreOwner, key: string, value: unknown, updatedAt: string): Item {
  const item = { ...storeKey(owner, key), value: toJson(value, 'the stored value'), updatedAt };
  assertFits(item, 'the stored value');
  return item;
}

export function storedFromItem(item: Item): StoredItem {
  return {
    key: String(item.sk),
    value: fromJson(item.value, 'stored value'),
    updatedAt: String(item.updatedAt),
  };
}
