import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogFn } from '../../lib/core/dispatcher/deps';
import { credentialsRef, type InstanceRecord } from '../../lib/core/ports';
import { moveCredentialsToGenerations } from '../../lib/local/credentials-by-generation';
import type { FileCredentialStore } from '../../lib/local/file-credential-store';
import type { DynaliteTable } from '../fixtures/dynalite-table';
import { startTokenPluginTable, type TokenPluginTable } from '../fixtures/token-plugin';

/** A data folder kept across the upgrade that keeps credentials by generation loses none of them. */
describe('credentials written under an instance name alone, before they were kept by generation', () => {
  let table: DynaliteTable;
  let store: FileCredentialStore;
  const logged: Parameters<LogFn>[] = [];
  const log: LogFn = (...args) => {
    logged.push(args);
  };

  let started: TokenPluginTable;
  beforeAll(async () => {
    started = await startTokenPluginTable();
    ({ table, credentials: store } = started);
  });
  afterAll(() => started?.close());

  const create = (name: string, credentialsSet: string[]): Promise<InstanceRecord> =>
    table.registry.createInstance({ name, plugin: 'p', options: {}, context: {}, order: 0, credentialsSet });
  const byName = (name: string) => credentialsRef('test', { plugin: 'p', name });

  it('are moved to the name with the generation, once, and the rest is left as it is', async () => {
    const old = await create('old', ['token']);
    await store.put(byName('old'), { token: 'old-token' });
    // Both written: the generation's is the one calls read since the upgrade.
    const both = await create('both', ['token']);
    await store.put(byName('both'), { token: 'stale' });
    await store.put(credentialsRef('test', both), { token: 'current' });
    // Set since the upgrade: nothing to move.
    const current = await create('current', ['token']);
    await store.put(credentialsRef('test', current), { token: 'kept' });
    // No credentials set: a secret under its name is no one's to move.
    await create('none', []);
    await store.put(byName('none'), { token: 'left' });

    expect(await moveCredentialsToGenerations(table.registry, store, 'test', log)).toBe(2);
    expect(await store.resolve(credentialsRef('test', old))).toEqual({ token: 'old-token' });
    expect(await store.resolve(byName('old'))).toBeUndefined();
    expect(await store.resolve(credentialsRef('test', both))).toEqual({ token: 'current' });
    expect(await store.resolve(byName('both'))).toBeUndefined();
    expect(await store.resolve(credentialsRef('test', current))).toEqual({ token: 'kept' });
    expect(await store.resolve(byName('none'))).toEqual({ token: 'left' });
    expect(logged).toEqual([
      ['info', 'credentials moved to the generations of their instances', { instances: 2 }],
    ]);

    // The next start has nothing to move.
    expect(await moveCredentialsToGenerations(table.registry, store, 'test', log)).toBe(0);
  });
});
