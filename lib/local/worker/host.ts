import {
  type CredentialResolver,
  credentialsPrefix,
  type EventBus,
  type Registry,
  type StoreOwner,
} from '../../core/ports';
import type { StoreListOptions } from '../../sdk/context';
import { type PlatformEvent, pluginSource } from '../../sdk/events';
import type { HostMethods, WorkerStoreOwner } from './protocol';

/**
 * The store a worker's call names, in the worker's own plugin: only the name and generation are
 * taken from what the worker sent (the registry checks them), never a plugin.
 */
const ownedBy = (slug: string, owner: WorkerStoreOwner | undefined): StoreOwner => ({
  plugin: slug,
  name: owner?.name as string,
  generation: owner?.generation,
});

export interface HostServices {
  registry: Registry;
  credentials: CredentialResolver;
  bus: EventBus;
  stage: string;
}

/**
 * The platform side of one plugin's worker calls. Each call is held to that plugin, as its IAM role
 * holds its Lambda on AWS: its own secrets prefix, its own storage partition, its own event source.
 */
export function hostFor(slug: string, services: HostServices): HostMethods {
  const secretPrefix = credentialsPrefix(services.stage, slug);
  return {
    resolveCredentials: async (ref) => {
      if (typeof ref !== 'string' || !ref.startsWith(secretPrefix)) {
        throw new Error(`plugin "${slug}" may read only secrets under ${secretPrefix}`);
      }
      return services.credentials.resolve(ref);
    },
    storeGet: (owner, key) => services.registry.storeGet(ownedBy(slug, owner), key),
    storePut: (owner, key, value) => services.registry.storePut(ownedBy(slug, owner), key, value),
    storeDelete: (owner, key) => services.registry.storeDelete(ownedBy(slug, owner), key),
    storeList: (owner, options) =>
      services.registry.storeList(ownedBy(slug, owner), options as StoreListOptions),
    publish: async (event) => {
      const e = event as PlatformEvent;
      if (e?.source !== pluginSource(slug))
        throw new Error(`plugin "${slug}" may publish only as ${pluginSource(slug)}`);
      await services.bus.publish([e]);
    },
  };
}
