import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PluginStorage, StoreOwner } from '../../lib/core/ports';
import { codeOf, drain } from './contract-cases';

export interface PluginStorageUnderTest {
  storage: PluginStorage;
  close(): Promise<void>;
}

/** A store's owner as a call of an instance made now names it: with a generation. */
export const owner = (plugin: string, name: string): StoreOwner => ({ plugin, name, generation: 'g1' });

/**
 * The cases of plugin-owned storage, registered in the caller's describe: the registry contract runs
 * them on each registry, pluginStorageContract on a storage adapter alone.
 */
export function pluginStorageCases(subject: () => PluginStorage): void {
  let storage: PluginStorage;
  // After the caller's own beforeAll, which opens the subject: vitest runs them in the order given.
  beforeAll(() => {
    storage = subject();
  });

  it('keeps each instance its own store', async () => {
    await storage.storePut(owner('kv-config', 'one'), 'shared-key', { n: 1 });
    await storage.storePut(owner('kv-config', 'one-two'), 'k', 'other instance');
    await storage.storePut(owner('other', 'one'), 'shared-key', 'other plugin');
    expect(await storage.storeGet(owner('kv-config', 'one'), 'shared-key')).toMatchObject({
      key: 'shared-key',
      value: { n: 1 },
    });
    expect((await storage.storeGet(owner('kv-config', 'two'), 'shared-key'))?.value).toBeUndefined();
    expect((await storage.storeGet(owner('other', 'one'), 'shared-key'))?.value).toBe('other plugin');
    expect((await storage.storeList(owner('kv-config', 'one'))).items.map((i) => i.key)).toEqual([
      'shared-key',
    ]);
    expect(await codeOf(storage.storeGet(owner('kv-config#one', 'two'), 'k'))).toBe('Validation');
    expect(await codeOf(storage.storePut(owner('kv-config', 'one#x'), 'k', 1))).toBe('Validation');
    await storage.storeDelete(owner('kv-config', 'one'), 'shared-key');
    await storage.storeDelete(owner('kv-config', 'one'), 'shared-key');
    expect(await storage.storeGet(owner('kv-config', 'one'), 'shared-key')).toBeUndefined();
  });

  it("keeps each generation of a name a store of its own, apart from the name's store from before generations", async () => {
    const keys = async (of: StoreOwner) => (await storage.storeList(of)).items.map((i) => i.key);
    const first = { plugin: 'kv-config', name: 'reborn-store', generation: 'first' };
    const second = { ...first, generation: 'second' };
    await storage.storePut(first, 'kept', 'first');
    expect(await storage.storeGet(second, 'kept')).toBeUndefined();
    await storage.storePut(first, 'late', 'first');
    await storage.storePut(second, 'own', 'second');
    expect(await keys(first)).toEqual(['kept', 'late']);
    expect(await keys(second)).toEqual(['own']);

    // An instance created before generations has none: its items are where they were written, under
    // its name alone, which no instance with a generation reaches.
    const named = { plugin: 'kv-config', name: 'reborn-store' };
    await storage.storePut(named, 'old', 'from before');
    expect(await storage.storeGet(named, 'old')).toMatchObject({ value: 'from before' });
    expect(await keys(named)).toEqual(['old']);
    expect(await keys(second)).toEqual(['own']);
    const { nextCursor } = await storage.storeList(first, { limit: 1 });
    expect(await codeOf(storage.storeList(second, { cursor: nextCursor }))).toBe('Validation');
    expect(await codeOf(storage.storeList(named, { cursor: nextCursor }))).toBe('Validation');
  });

  it('keys a store by any generation of its characters, and refuses any other', async () => {
    const valid = /^[A-Za-z0-9_-]{1,64}$/;
    const generations = fc.oneof(
      fc.stringMatching(valid),
      fc.string({ maxLength: 70 }),
      fc.constantFrom('', 'a#b', 'x'.repeat(65), 'g1'),
    );
    await fc.assert(
      fc.asyncProperty(generations, async (generation) => {
        const of = { plugin: 'kv-config', name: 'generations', generation };
        if (!valid.test(generation)) {
          expect(await codeOf(storage.storePut(of, 'k', 1))).toBe('Validation');
          expect(await codeOf(storage.storeList(of))).toBe('Validation');
          return;
        }
        await storage.storePut(of, 'k', generation);
        expect((await storage.storeGet(of, 'k'))?.value).toBe(generation);
        expect(await storage.storeGet({ plugin: 'kv-config', name: 'generations' }, 'k')).toBeUndefined();
        await storage.storeDelete(of, 'k');
      }),
      { numRuns: 40 },
    );
  });

  it('lists a store by prefix over several pages', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `cfg/${String(i).padStart(2, '0')}`);
    await Promise.all(keys.map((k, i) => storage.storePut(owner('kv-config', 'paged-store'), k, i)));
    await storage.storePut(owner('kv-config', 'paged-store'), 'zzz', 'outside the prefix');
    const pages = await drain((cursor) =>
      storage.storeList(owner('kv-config', 'paged-store'), { prefix: 'cfg/', limit: 7, cursor }),
    );
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 2]);
    expect(pages.flat().map((i) => [i.key, i.value])).toEqual(keys.map((k, i) => [k, i]));
  });

  it('refuses oversized or unserialisable values before writing anything', async () => {
    const big = 'x'.repeat(401 * 1024);
    expect(await codeOf(storage.storePut(owner('kv-config', 'sizes'), 'k', big))).toBe('PayloadTooLarge');
    expect(await codeOf(storage.storePut(owner('kv-config', 'sizes'), 'k', { f: () => 1 }))).toBe(
      'Validation',
    );
    expect(await codeOf(storage.storePut(owner('kv-config', 'sizes'), 'k', Number.NaN))).toBe('Validation');
    expect(await codeOf(storage.storePut(owner('kv-config', 'sizes'), 'k'.repeat(1025), 1))).toBe(
      'Validation',
    );
    expect(await codeOf(storage.storePut(owner('kv-config', 'sizes'), '', 1))).toBe('Validation');
    expect(await storage.storeGet(owner('kv-config', 'sizes'), 'k')).toBeUndefined();
    await storage.storePut(owner('kv-config', 'sizes'), 'k'.repeat(1024), 'x'.repeat(390 * 1024));
  });
}

/** The plugin-owned storage contract, run against an adapter that keeps it alone. */
export function pluginStorageContract(label: string, open: () => Promise<PluginStorageUnderTest>): void {
  describe(`PluginStorage contract: ${label}`, () => {
    let subject: PluginStorageUnderTest;
    beforeAll(async () => {
      subject = await open();
    });
    afterAll(() => subject?.close());
    pluginStorageCases(() => subject.storage);
  });
}
