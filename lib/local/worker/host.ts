import { type CredentialResolver, credentialsRef, type EventBus, type Registry } from '../../core/ports';
import type { StoreListOptions } from '../../sdk/context';
import { type PlatformEvent, pluginSource } from '../../sdk/events';
import type { HostMethods } from './protocol';

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
  const secretPrefix = credentialsRef(services.stage, slug, '');
  return {
    resolveCredentials: async (ref) => {
      if (typeof ref !== 'string' || !ref.startsWith(secretPrefix)) {
        throw new Error(`plugin "${slug}" may read only secrets under ${secretPrefix}`);
      }
      return services.credentials.resolve(ref);
    },
    storeGet: (instance, key) => services.registry.storeGet(slug, instance, key),
    storePut: (instance, key, value) => services.registry.storePut(slug, instance, key, value),
    storeDelete: (instance, key) => services.registry.storeDelete(slug, instance, key),
    storeList: (instance, options) =>
      services.registry.storeList(slug, instance, options as StoreListOptions),
    publish: async (event) => {
      const e = event as PlatformEvent;
      if (e?.source !== pluginSource(slug))
        throw new Error(`plugin "${slug}" may publish only as ${pluginSource(slug)}`);
      await services.bus.publish([e]);
    },
  };
}
