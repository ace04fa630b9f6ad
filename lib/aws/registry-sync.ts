import { type OutdatedInstances, outdatedInstances } from '../core/instances/outdated-instances';
import type { OptionalHandler, Registry } from '../core/ports';
import type { Manifest } from '../sdk/manifest';

export interface RegistrySyncResult {
  written: string[];
  removed: string[];
  /** By slug, each deployed plugin with instances whose options do not fit the version deployed. */
  outdated: Record<string, OutdatedInstances>;
  /** Why the instances could not be read for `outdated`, which is then empty. */
  outdatedUnchecked?: string;
}

/**
 * Makes the registry match a deployment: every deployed manifest is written as `loaded`, and a
 * plugin still `loaded` in the registry but absent from the deployment is marked `removed` (kept,
 * since instances may still name it). Says which instances' options the deployed versions no longer
 * take, as the local platform does when a plugin loads.
 */
export async function syncPluginManifests(
  registry: Registry,
  manifests: readonly Manifest[],
  {
    handlers = {},
    now = new Date(),
  }: { handlers?: Readonly<Record<string, readonly OptionalHandler[]>>; now?: Date } = {},
): Promise<RegistrySyncResult> {
  const updatedAt = now.toISOString();
  const deployed = new Set(manifests.map((manifest) => manifest.slug));
  for (const manifest of manifests) {
    const known = handlers[manifest.slug];
    await registry.putPlugin({
      slug: manifest.slug,
      manifest,
      status: 'loaded',
      updatedAt,
      ...(known ? { handlers: [...known] } : {}),
    });
  }
  const removed: string[] = [];
  for (const record of await registry.listPlugins()) {
    if (deployed.has(record.slug) || record.status === 'removed') continue;
    await registry.putPlugin({ ...record, status: 'removed', updatedAt });
    removed.push(record.slug);
  }
  const checked = await outdatedByPlugin(registry, manifests).then(
    (outdated) => ({ outdated }),
    // A warning's input, not the sync's: instances that cannot be read now must not fail a deploy.
    (error: Error) => ({ outdated: {}, outdatedUnchecked: error.message }),
  );
  return { written: [...deployed], removed, ...checked };
}

async function outdatedByPlugin(
  registry: Registry,
  manifests: readonly Manifest[],
): Promise<Record<string, OutdatedInstances>> {
  const outdated: Record<string, OutdatedInstances> = {};
  for (const manifest of manifests) {
    const found = await outdatedInstances(registry, manifest);
    if (found.count > 0) outdated[manifest.slug] = found;
  }
  return outdated;
}
