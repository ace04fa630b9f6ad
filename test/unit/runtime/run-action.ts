import type { Answer } from '../../../lib/core/envelope';
import { runEnvelope } from '../../../lib/core/runtime/run-envelope';
import type { RuntimeServices } from '../../../lib/core/runtime/services';
import type { PluginDefinition } from '../../../lib/sdk/define-plugin';
import { MemoryStore } from '../../../lib/testing';

/** Services that resolve no credentials, give each call a new MemoryStore, and publish and log nowhere. */
export const QUIET_SERVICES: RuntimeServices = {
  credentials: { resolve: async () => undefined },
  store: () => new MemoryStore(),
  publish: async () => undefined,
  log: () => undefined,
  account: '000000000000',
  region: 'local',
};

/** Runs a plugin's action, without params, through the runtime, over the services given and quiet ones. */
export function runAction(
  plugin: PluginDefinition,
  instance: string,
  name: string,
  services: Partial<RuntimeServices>,
): Promise<Answer> {
  return runEnvelope(
    plugin,
    {
      v: 1,
      kind: 'action',
      plugin: plugin.manifest.slug,
      instance,
      name,
      input: {},
      requestId: 'r',
      deadline: Date.now() + 5_000,
    },
    { ...QUIET_SERVICES, ...services },
  );
}
