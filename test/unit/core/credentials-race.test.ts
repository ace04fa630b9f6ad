import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatcherDeps } from '../../../lib/core/dispatcher/deps';
import { InstanceService } from '../../../lib/core/instances/instance-service';
import { type CredentialStore, credentialsRef } from '../../../lib/core/ports';
import type { FileCredentialStore } from '../../../lib/local/file-credential-store';
import type { PlatformEvent } from '../../../lib/sdk/events';
import type { DynaliteTable } from '../../fixtures/dynalite-table';
import { interruptedRegistry } from '../../fixtures/interrupted-registry';
import { startTokenPluginTable, type TokenPluginTable } from '../../fixtures/token-plugin';

type Moment = 'before' | 'after';

/**
 * A credentials write overtaken by another caller who deletes the instance and creates it again
 * under the same name: the new instance is another one, so what the write was sent for is not
 * done to it, and the secret written for the old one is nobody's to read.
 */
describe('a credentials write that races a delete and a create of the name', () => {
  let table: DynaliteTable;
  let store: FileCredentialStore;
  let seq = 0;
  const published: PlatformEvent[] = [];

  const depsWith = (credentials: CredentialStore, registry = table.registry): DispatcherDeps => ({
    registry,
    credentials,
    invoker: { invoke: () => Promise.reject(new Error('no plugin is called here')) },
    bus: {
      publish: async (events) => {
        published.push(...events);
        return events.map((event) => event.id);
      },
    },
    authenticate: async () => undefined,
    stage: 'test',
    origin: { account: '000000000000', region: 'local' },
  });
  /** The other caller, whose writes go straight through. */
  const other = () => new InstanceService(depsWith(store), async () => []);

  /** A service whose credential store lets the other caller remake `name` before or after each write of it. */
  const overtaken = (name: string, moment: Moment) => {
    const remake = async () => {
      await other().delete(name);
      await other().create({ name, plugin: 'p', description: 'made again' });
      await other().putCredentials(name, { token: 'the new instance' });
    };
    let pending: (() => Promise<void>) | undefined = remake;
    const once = async () => {
      const run = pending;
      pending = undefined;
      await run?.();
    };
    const around =
      <A extends unknown[]>(write: (...args: A) => Promise<void>) =>
      async (...args: A) => {
        if (moment === 'before') await once();
        await write(...args);
        if (moment === 'after') await once();
      };
    const credentials: CredentialStore = {
      put: around((ref: string, values: Record<string, string>) => store.put(ref, values)),
      delete: around((ref: string) => store.delete(ref)),
    };
    return new InstanceService(depsWith(credentials), async () => []);
  };

  let started: TokenPluginTable;
  beforeAll(async () => {
    started = await startTokenPluginTable();
    ({ table, credentials: store } = started);
  });
  afterAll(() => started?.close());

  it.each(['before', 'after'] as const)(
    'gives a set made again %s the secret is written no credentials of the old one, and removes that secret',
    async (moment) => {
      const name = `set-${moment}-${seq++}`;
      const old = await other().create({ name, plugin: 'p' });
      await expect(
        overtaken(name, moment).putCredentials(name, { token: 'the old instance' }),
      ).rejects.toMatchObject({
        code: 'NotFound',
        message: `instance "${name}" was deleted while its credentials were written; the instance named so now is another one, and its credentials were left as they were`,
      });
      const current = (await table.registry.getInstance(name))!;
      expect(current.generation).not.toBe(old.generation);
      expect(current).toMatchObject({ description: 'made again', credentialsSet: ['token'] });
      expect(await store.resolve(credentialsRef('test', current))).toEqual({ token: 'the new instance' });
      expect(await store.resolve(credentialsRef('test', old))).toBeUndefined();
      expect(published.filter((event) => JSON.stringify(event.detail).includes('the old instance'))).toEqual(
        [],
      );
    },
  );

  it.each(['before', 'after'] as const)(
    'leaves the credentials of an instance made again %s a removal of the old one its own',
    async (moment) => {
      const name = `removed-${moment}-${seq++}`;
      await other().create({ name, plugin: 'p' });
      await other().putCredentials(name, { token: 'the old instance' });
      await expect(overtaken(name, moment).deleteCredentials(name)).rejects.toMatchObject({
        code: 'NotFound',
      });
      const current = (await table.registry.getInstance(name))!;
      expect(current.credentialsSet).toEqual(['token']);
      expect(await store.resolve(credentialsRef('test', current))).toEqual({ token: 'the new instance' });
    },
  );

  it('gives an instance made again between a credentials PUT and its registry write no credentials', async () => {
    const name = `interrupted-${seq++}`;
    const old = await other().create({ name, plugin: 'p' });
    const interrupted = interruptedRegistry(table, async () => {
      await other().delete(name);
      await other().create({ name, plugin: 'p', description: 'made again' });
    });
    try {
      const service = new InstanceService(depsWith(store, interrupted.registry), async () => []);
      await expect(service.putCredentials(name, { token: 'the old instance' })).rejects.toMatchObject({
        code: 'NotFound',
      });
    } finally {
      interrupted.close();
    }
    const current = (await table.registry.getInstance(name))!;
    expect(current.generation).not.toBe(old.generation);
    expect(current).toMatchObject({ description: 'made again', credentialsSet: [] });
    expect(await store.resolve(credentialsRef('test', current))).toBeUndefined();
    expect(await store.resolve(credentialsRef('test', old))).toBeUndefined();
  });
});
