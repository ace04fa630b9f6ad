import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbPluginStorage } from '../../../lib/aws/dynamodb-plugin-storage';
import { DynamoDbRegistry } from '../../../lib/aws/dynamodb-registry';
import { RegistryTableClient } from '../../../lib/aws/registry-table-client';
import { instanceStore } from '../../../lib/aws/runtime-services';
import {
  createDynamoClient,
  LOCAL_REGISTRY_TABLE,
  type LocalDynamo,
  startDynalite,
} from '../../../lib/local/dynalite';
import type { PluginStore } from '../../../lib/sdk/context';
import { MemoryStore } from '../../../lib/testing';
import { runAction } from './run-action';
import {
  GENERATION,
  INSTANCE,
  SLUG,
  STORE_CASES,
  type StoreCase,
  storerPlugin,
  storing,
  TOO_LONG_KEY_CASES,
} from './store-cases';

describe("the runtime's ctx.store, on each store", () => {
  let dynamo: LocalDynamo;
  let client: ReturnType<typeof createDynamoClient>;
  beforeAll(async () => {
    dynamo = await startDynalite();
    client = createDynamoClient(dynamo.endpoint);
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });

  const owner = { plugin: SLUG, name: INSTANCE, generation: GENERATION };
  /**
   * The registry the platform keeps stores in (on the local platform's embedded DynamoDB), the storage
   * alone as a plugin's Lambda keeps its store, and the kit's.
   */
  const stores = (): { name: string; store: PluginStore }[] => {
    const table = { client, tableName: LOCAL_REGISTRY_TABLE };
    return [
      { name: 'the registry', store: instanceStore(new DynamoDbRegistry(table), owner) },
      {
        name: "a plugin's Lambda storage",
        store: instanceStore(new DynamoDbPluginStorage(new RegistryTableClient(table)), owner),
      },
      {
        name: "the testing kit's MemoryStore",
        store: new MemoryStore({ plugin: SLUG, instance: INSTANCE, generation: GENERATION }),
      },
    ];
  };

  async function holds(storeCase: StoreCase): Promise<void> {
    for (const { name, store } of stores()) {
      storing(storeCase);
      const answer = await runAction(storerPlugin, INSTANCE, 'store', { store: () => store });
      expect(answer, name).toEqual(
        storeCase.refused ? { ok: false, error: storeCase.refused } : { ok: true, result: storeCase.answer },
      );
    }
  }

  for (const storeCase of STORE_CASES) it(storeCase.name, () => holds(storeCase));

  it('a key over 1,024 bytes fails each call that takes one', async () => {
    await fc.assert(fc.asyncProperty(TOO_LONG_KEY_CASES, holds), { numRuns: 50 });
  });
});
