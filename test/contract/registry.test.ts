import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDbRegistry } from '../../lib/aws/dynamodb-registry';
import { CachedRegistry } from '../../lib/core/cached-registry';
import { platformEvent } from '../../lib/core/platform-events';
import type { HeldAnnouncement, Registry } from '../../lib/core/ports';
import { dyingRegistry } from '../fixtures/dying-registry';
import { type DynaliteTable, functionSettings, startDynaliteTable } from '../fixtures/dynalite-table';
import { interruptedRegistry } from '../fixtures/interrupted-registry';
import { itemsBeforeGenerations, putItems, WRITTEN_AT } from '../fixtures/items-before-generations';
import { rejectionOf } from './contract-cases';
import { registryContract } from './registry-contract';

const dirs: string[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'plugboard-registry-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** The table's registry, and others over it as processes see it that die or are overtaken. */
const withOthers = (table: DynaliteTable) => ({
  ...table,
  dying: () => dyingRegistry(table),
  interrupted: (meanwhile: () => Promise<void>) => interruptedRegistry(table, meanwhile),
});
const cached = (registry: Registry) => new CachedRegistry(registry, { ttlMs: 60_000 });

registryContract('DynamoDbRegistry on dynalite in memory', async () =>
  withOthers(await startDynaliteTable()),
);
registryContract('DynamoDbRegistry on dynalite on disk', async () =>
  withOthers(await startDynaliteTable({ path: await tempDir() })),
);
registryContract('CachedRegistry over DynamoDbRegistry', async () => {
  const table = await startDynaliteTable();
  return {
    ...table,
    registry: cached(table.registry),
    dying: () => {
      const dying = dyingRegistry(table);
      return { ...dying, registry: cached(dying.registry) };
    },
    interrupted: (meanwhile: () => Promise<void>) => {
      const interrupted = interruptedRegistry(table, meanwhile);
      return { ...interrupted, registry: cached(interrupted.registry) };
    },
  };
});

describe('DynamoDbRegistry without a client', () => {
  it('makes one on first use from the SDK settings in the environment, as a plugin function does', async () => {
    const table = await startDynaliteTable();
    const saved = { ...process.env };
    Object.assign(process.env, functionSettings(table));
    try {
      const registry = new DynamoDbRegistry({ tableName: table.tableName });
      const owner = { plugin: 'echo', name: 'e1', generation: 'g1' };
      await registry.storePut(owner, 'k', { n: 1 });
      expect(await registry.storeGet(owner, 'k')).toMatchObject({ key: 'k', value: { n: 1 } });
    } finally {
      process.env = saved;
      await table.close();
    }
  });
});

describe('DynamoDbRegistry on disk', () => {
  it('keeps instances and store items across a restart', async () => {
    const dir = await tempDir();
    const first = await startDynaliteTable({ path: dir });
    const made = await first.registry.createInstance({
      name: 'durable',
      plugin: 'kv-config',
      options: { a: 1 },
      context: {},
      order: 0,
      credentialsSet: ['token'],
    });
    await first.registry.storePut(made, 'k', { kept: true });
    await first.close();

    const second = await startDynaliteTable({ path: dir });
    try {
      expect(await second.registry.getInstance('durable')).toEqual(made);
      expect((await second.registry.storeGet(made, 'k'))?.value).toEqual({ kept: true });
      expect(await second.registry.updateInstance('durable', { order: 2 }, made)).toMatchObject({
        version: 2,
      });
    } finally {
      await second.close();
    }
  });
});

describe('DynamoDbRegistry over items written before generations', () => {
  it('reads such an instance without a generation, and its store where it was written, under its name alone', async () => {
    const under = await startDynaliteTable();
    try {
      await putItems(under, itemsBeforeGenerations('kv-config', 'old-style', { kept: { n: 1 } }));
      const stored = await under.registry.getInstance('old-style');
      expect(stored).toEqual({
        name: 'old-style',
        plugin: 'kv-config',
        options: {},
        context: {},
        order: 0,
        credentialsSet: [],
        version: 1,
        createdAt: WRITTEN_AT,
        updatedAt: WRITTEN_AT,
      });
      const updated = await under.registry.updateInstance('old-style', { order: 2 }, { version: 1 });
      expect(updated).not.toHaveProperty('generation');
      // An instance made since generations, at this version, is not this one.
      expect(
        await rejectionOf(
          under.registry.updateInstance('old-style', { order: 3 }, { version: 2, generation: 'g1' }),
        ),
      ).toMatchObject({ code: 'VersionConflict' });
      expect(await under.registry.storeGet(updated, 'kept')).toEqual({
        key: 'kept',
        value: { n: 1 },
        updatedAt: WRITTEN_AT,
      });
      await under.registry.storePut(updated, 'added', true);
      expect((await under.registry.storeList(updated)).items.map((item) => item.key)).toEqual([
        'added',
        'kept',
      ]);
      // An announced delete names no generation for it, and removes it.
      const removal: HeldAnnouncement = {
        event: platformEvent({ account: '1', region: 'r' }, 'Instance Deleted', { instance: 'old-style' }),
        instance: 'old-style',
        write: 'delete',
        heldAt: new Date().toISOString(),
      };
      await under.registry.holdAnnouncement(removal);
      expect(
        await rejectionOf(
          under.registry.deleteInstance(
            'old-style',
            { version: 2 },
            { announcing: { ...removal, generation: 'g1' } },
          ),
        ),
      ).toMatchObject({ code: 'NotFound' });
      expect(
        await under.registry.deleteInstance('old-style', { version: 2 }, { announcing: removal }),
      ).toEqual(updated);
    } finally {
      await under.close();
    }
  });
});
