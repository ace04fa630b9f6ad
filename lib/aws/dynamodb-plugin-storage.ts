import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Page, PluginStorage, StoreOwner } from '../core/ports';
import type { StoredItem, StoreListOptions } from '../sdk/context';
import { storePartition, TABLE_KEY } from './registry-table';
import { partitionIs, type RegistryTableClient } from './registry-table-client';
import { checkStoreKey, checkStoreOwner, storedFromItem, storedItem, storeKey } from './store-items';

/**
 * Plugin-owned storage in the registry table, one partition per owner (registry-table.ts). The
 * registry keeps its store through this; a plugin's function uses it alone, so its bundle carries
 * none of the registry's instance, manifest or announcement code.
 */
export class DynamoDbPluginStorage implements PluginStorage {
  constructor(private readonly table: RegistryTableClient) {}

  async storeGet(owner: StoreOwner, key: string): Promise<StoredItem | undefined> {
    const item = await this.table.get(checkedStoreKey(owner, key));
    return item && storedFromItem(item);
  }

  async storePut(owner: StoreOwner, key: string, value: unknown): Promise<StoredItem> {
    const item = storedItem(checkStoreOwner(owner), checkStoreKey(key), value, new Date().toISOString());
    await this.table.put(item);
    return storedFromItem(item);
  }

  async storeDelete(owner: StoreOwner, key: string): Promise<void> {
    await this.table.attempt((db, sdk) =>
      db.send(new sdk.DeleteCommand({ TableName: this.table.tableName, Key: checkedStoreKey(owner, key) })),
    );
  }

  async storeList(owner: StoreOwner, options: StoreListOptions = {}): Promise<Page<StoredItem>> {
    const partition = storePartition(checkStoreOwner(owner));
    const prefix = options.prefix ?? '';
    if (prefix !== '') checkStoreKey(prefix);
    const input: Partial<QueryCommandInput> =
      prefix === ''
        ? partitionIs('pk', partition)
        : {
            KeyConditionExpression: 'pk = :p AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':p': partition, ':prefix': prefix },
          };
    const page = await this.table.query(
      input,
      options,
      TABLE_KEY,
      (key) => key.pk === partition && (key.sk ?? '').startsWith(prefix),
    );
    return { items: page.items.map(storedFromItem), nextCursor: page.nextCursor };
  }
}

function checkedStoreKey(owner: StoreOwner, key: string) {
  return storeKey(checkStoreOwner(owner), checkStoreKey(key));
}
