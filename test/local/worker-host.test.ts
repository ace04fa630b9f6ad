import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostFor } from '../../lib/local/worker/host';
import type { WorkerStoreOwner } from '../../lib/local/worker/protocol';
import { type DynaliteTable, startDynaliteTable } from '../fixtures/dynalite-table';

describe("a worker's store calls", () => {
  let table: DynaliteTable;
  beforeAll(async () => {
    table = await startDynaliteTable();
  });
  afterAll(() => table.close());

  const host = () =>
    hostFor('kv', {
      registry: table.registry,
      // Neither is reached by a store call.
      credentials: { resolve: () => Promise.reject(new Error('not a store call')) },
      bus: { publish: () => Promise.reject(new Error('not a store call')) },
      stage: 'local',
    });

  it("reach the store of the worker's own plugin, whatever plugin the worker names", async () => {
    const sent = { plugin: 'other', name: 'a', generation: 'g1' } as WorkerStoreOwner;
    await host().storePut(sent, 'k', 1);
    expect(await table.registry.storeGet({ plugin: 'kv', name: 'a', generation: 'g1' }, 'k')).toMatchObject({
      value: 1,
    });
    expect(
      await table.registry.storeGet({ plugin: 'other', name: 'a', generation: 'g1' }, 'k'),
    ).toBeUndefined();
    expect(await table.registry.storeGet({ plugin: 'kv', name: 'a' }, 'k')).toBeUndefined();
  });

  it('are refused as Validation when the worker names no owner, or a generation outside a key', async () => {
    for (const sent of [null, 'a', { name: 'a', generation: 'g#1' }, { name: 'a', generation: 7 }]) {
      await expect(host().storeGet(sent as never, 'k')).rejects.toMatchObject({ code: 'Validation' });
    }
  });
});
