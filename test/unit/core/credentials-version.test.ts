import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatcherDeps } from '../../../lib/core/dispatcher/deps';
import type { Envelope } from '../../../lib/core/envelope';
import { InstanceService } from '../../../lib/core/instances/instance-service';
import { InvocationService } from '../../../lib/core/invocation/invocation-service';
import { startTokenPluginTable, type TokenPluginTable } from '../../fixtures/token-plugin';

/**
 * The envelope names the instance version a call is for beside its credentials, so that a plugin's
 * function may reuse what it read for that version: every credentials write makes a new one.
 */
describe("an envelope's credentialsVersion", () => {
  let started: TokenPluginTable;
  const sent: Envelope[] = [];
  let instances: InstanceService;
  let invocations: InvocationService;

  beforeAll(async () => {
    started = await startTokenPluginTable();
    const deps: DispatcherDeps = {
      registry: started.table.registry,
      credentials: started.credentials,
      invoker: {
        invoke: async (_plugin, envelope) => {
          sent.push(envelope);
          return { ok: true, result: null };
        },
      },
      bus: { publish: async (events) => events.map((event) => event.id) },
      authenticate: async () => undefined,
      stage: 'test',
      origin: { account: '000000000000', region: 'local' },
    };
    instances = new InstanceService(deps, async () => []);
    invocations = new InvocationService(deps);
  });
  afterAll(() => started?.close());

  const callOf = async (name: string) => {
    const { instance, manifest } = await invocations.resolve(name);
    await invocations.run({ instance, manifest, requestId: 'r' }, 'action', 'any', {});
    return sent.at(-1)!;
  };

  it('is the version of an instance with credentials, new after each write of them, and absent without', async () => {
    await instances.create({ name: 'versioned', plugin: 'p' });
    expect((await callOf('versioned')).credentialsVersion).toBeUndefined();

    const set = await instances.putCredentials('versioned', { token: 'first' });
    expect(await callOf('versioned')).toMatchObject({ credentialsVersion: set.version });
    const again = await instances.putCredentials('versioned', { token: 'second' });
    expect(again.version).toBeGreaterThan(set.version);
    expect(await callOf('versioned')).toMatchObject({ credentialsVersion: again.version });
  });
});
