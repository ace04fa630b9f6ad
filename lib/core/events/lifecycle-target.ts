import { PlugboardError } from '../../sdk/errors';
import { PLATFORM_SOURCE, type PlatformEvent } from '../../sdk/events';
import { newGeneration } from '../instances/generation';
import type { InvocationService } from '../invocation/invocation-service';
import type { InstanceRecord, Registry } from '../ports';
import type { BuiltinTarget } from './delivery-target';

const HOOKS: Record<string, string> = {
  'Instance Created': 'onInstanceCreated',
  'Instance Updated': 'onInstanceUpdated',
  'Instance Deleted': 'onInstanceDeleted',
};

interface InstanceDetail {
  instance: string;
  plugin: string;
  version: number;
  options: Record<string, unknown>;
  /** The instance's own `createdAt`, copied from its record (absent from events made before it was). */
  createdAt?: string;
}

/**
 * DRP's config/stop: a plugin of type `lifecycle` hears about its own instances with no subscription.
 * Its hooks are all optional, so a plugin without the hook for this event answers NotFound, which
 * counts as delivered.
 */
export function lifecycleTarget(registry: Registry, invocations: InvocationService): BuiltinTarget {
  return {
    id: 'lifecycle',
    applies: (event: PlatformEvent) =>
      event.source === PLATFORM_SOURCE && Object.hasOwn(HOOKS, event['detail-type']),
    async deliver({ event, idempotencyKey }) {
      const detail = event.detail as unknown as InstanceDetail;
      const plugin = await registry.getPlugin(detail.plugin);
      if (plugin?.status !== 'loaded' || !plugin.manifest.types.includes('lifecycle')) return;
      const instance = await instanceOf(registry, event['detail-type'], detail, event.time);
      if (!instance) return;
      try {
        await invocations.run(
          { instance, manifest: plugin.manifest, requestId: idempotencyKey },
          'lifecycle',
          HOOKS[event['detail-type']] as string,
          event.detail,
        );
      } catch (error) {
        if (!(error instanceof PlugboardError && error.code === 'NotFound')) throw error;
      }
    },
  };
}

/**
 * The instance the hook runs for: the stored one, or for a deletion the one the event describes
 * (it is gone from the registry, and so are its credentials and its store).
 */
async function instanceOf(
  registry: Registry,
  detailType: string,
  detail: InstanceDetail,
  time: string,
): Promise<InstanceRecord | undefined> {
  if (detailType !== 'Instance Deleted') {
    const stored = await registry.getInstance(detail.instance);
    // An event can arrive long after its write (a parked event is published by a redrive), when
    // the name may belong to another instance, of another plugin or of this one: its hook is not
    // this event's. The record's own createdAt, not a clock, tells them apart.
    if (stored?.plugin !== detail.plugin) return undefined;
    if (detail.createdAt !== undefined && stored.createdAt !== detail.createdAt) return undefined;
    return stored;
  }
  return {
    name: detail.instance,
    plugin: detail.plugin,
    options: detail.options ?? {},
    context: {},
    order: 0,
    credentialsSet: [],
    version: detail.version,
    createdAt: time,
    updatedAt: time,
    // The event does not say which generation the deleted instance was, and its name may belong to a
    // later instance by now: a generation of the hook's own gives it an empty store that no instance
    // reads, as the deleted one's was emptied before the event was announced.
    generation: newGeneration(),
  };
}
