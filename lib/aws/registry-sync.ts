import { type OutdatedByPlugin, outdatedByPlugin } from '../core/instances/outdated-instances';
import type { OptionalHandler, Registry } from '../core/ports';
import type { Manifest } from '../sdk/manifest';

/** And, by slug, each deployed plugin with instances whose options do not fit the version deployed. */
export interface RegistrySyncResult extends OutdatedByPlugin {
  written: string[];
  removed: string[];
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
  return { written: [...deployed], removed, ...(await outdatedByPlugin(registry, manifests)) };
}
