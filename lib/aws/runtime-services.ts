import type { Registry, StoreOwner } from '../core/ports';
import type { RuntimeServices } from '../core/runtime/services';
import type { PluginStore } from '../sdk/context';
import { DynamoDbRegistry } from './dynamodb-registry';
import type { PlatformEnvironment } from './environment';
import { EventBridgeBus } from './eventbridge-bus';
import { SecretsManagerCredentialResolver } from './secrets-manager-credential-store';

/** One instance's part of the registry's storage, as a plugin's Lambda gives it to the runtime. */
export const registryStore = (
  registry: Pick<Registry, 'storeGet' | 'storePut' | 'storeDelete' | 'storeList'>,
  owner: StoreOwner,
): PluginStore => ({
  get: (key) => registry.storeGet(owner, key),
  put: (key, value) => registry.storePut(owner, key, value),
  delete: (key) => registry.storeDelete(owner, key),
  list: (options) => registry.storeList(owner, options),
});

/**
 * What a plugin's Lambda gives the runtime: its own secrets, its own storage partition and the
 * platform bus. Its IAM role, not this code, is what holds it to its own plugin. Each AWS client is
 * made, and its SDK loaded, on the first call that needs it, so a plugin that stores nothing and
 * publishes nothing starts without them.
 */
export function awsRuntimeServices(env: PlatformEnvironment, log: RuntimeServices['log']): RuntimeServices {
  const registry = new DynamoDbRegistry({ tableName: env.PLUGBOARD_TABLE_NAME });
  const bus = new EventBridgeBus({ busName: env.PLUGBOARD_BUS_NAME });
  return {
    credentials: new SecretsManagerCredentialResolver(),
    store: (owner) => registryStore(registry, owner),
    publish: async (event) => {
      await bus.publish([event]);
    },
    log,
    account: 'unknown',
    region: process.env.AWS_REGION ?? 'us-east-1',
  };
}
