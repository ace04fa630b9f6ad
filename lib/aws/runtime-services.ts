import type { PluginStorage, StoreOwner } from '../core/ports';
import type { RuntimeServices } from '../core/runtime/services';
import type { PluginStore } from '../sdk/context';
import { DynamoDbPluginStorage } from './dynamodb-plugin-storage';
import type { PlatformEnvironment } from './environment';
import { EventBridgeBus } from './eventbridge-bus';
import { RegistryTableClient } from './registry-table-client';
import { ReusedCredentials } from './reused-credentials';
import { SecretsManagerCredentialResolver } from './secrets-manager-credential-store';

/** One instance's part of plugin-owned storage, as a plugin's Lambda gives it to the runtime. */
export const instanceStore = (storage: PluginStorage, owner: StoreOwner): PluginStore => ({
  get: (key) => storage.storeGet(owner, key),
  put: (key, value) => storage.storePut(owner, key, value),
  delete: (key) => storage.storeDelete(owner, key),
  list: (options) => storage.storeList(owner, options),
});

/**
 * What a plugin's Lambda gives the runtime: its own secrets, its own storage partition and the
 * platform bus. Its IAM role, not this code, is what holds it to its own plugin. Each AWS client is
 * made, and its SDK loaded, on the first call that needs it, so a plugin that stores nothing and
 * publishes nothing starts without them.
 */
export function awsRuntimeServices(env: PlatformEnvironment, log: RuntimeServices['log']): RuntimeServices {
  // The storage alone, not the registry: the bundle then leaves out instances, manifests and announcements.
  const storage = new DynamoDbPluginStorage(new RegistryTableClient({ tableName: env.PLUGBOARD_TABLE_NAME }));
  const bus = new EventBridgeBus({ busName: env.PLUGBOARD_BUS_NAME });
  return {
    credentials: new ReusedCredentials(new SecretsManagerCredentialResolver()),
    store: (owner) => instanceStore(storage, owner),
    publish: async (event) => {
      await bus.publish([event]);
    },
    log,
    account: 'unknown',
    region: process.env.AWS_REGION ?? 'us-east-1',
  };
}
