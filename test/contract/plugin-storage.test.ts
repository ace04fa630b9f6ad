import { describe, expect, it } from 'vitest';
import { DynamoDbPluginStorage } from '../../lib/aws/dynamodb-plugin-storage';
import { readEnvironment } from '../../lib/aws/environment';
import { RegistryTableClient } from '../../lib/aws/registry-table-client';
import { awsRuntimeServices } from '../../lib/aws/runtime-services';
import { functionSettings, startDynaliteTable } from '../fixtures/dynalite-table';
import { pluginStorageContract } from './plugin-storage-contract';

pluginStorageContract('DynamoDbPluginStorage on dynalite in memory', async () => {
  const table = await startDynaliteTable();
  const client = new RegistryTableClient({ client: table.client, tableName: table.tableName });
  return { storage: new DynamoDbPluginStorage(client), close: () => table.close() };
});

describe("a plugin's Lambda store", () => {
  it('keeps its items where the registry keeps them, its client made from the environment', async () => {
    const table = await startDynaliteTable();
    const saved = { ...process.env };
    Object.assign(process.env, functionSettings(table), { PLUGBOARD_BUS_NAME: 'unused' });
    try {
      const services = awsRuntimeServices(readEnvironment(), () => {});
      const owner = { plugin: 'echo', name: 'e1', generation: 'g1' };
      const stored = await services.store(owner).put('k', { n: 1 });
      expect(await table.registry.storeGet(owner, 'k')).toEqual(stored);
      await table.registry.storePut(owner, 'k2', 'from the registry');
      expect((await services.store(owner).list()).items.map((item) => item.key)).toEqual(['k', 'k2']);
    } finally {
      process.env = saved;
      await table.close();
    }
  });
});
