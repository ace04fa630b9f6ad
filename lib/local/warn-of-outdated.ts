import type { LogFn } from '../core/dispatcher/deps';
import { OUTDATED_WARNING, outdatedByPlugin } from '../core/instances/outdated-instances';
import type { Registry } from '../core/ports';
import type { Manifest } from '../sdk/manifest';

/** Logs the plugins' instances whose options no longer fit them, if any (see outdatedByPlugin). */
export async function warnOfOutdated(
  registry: Registry,
  manifests: readonly Manifest[],
  log: LogFn,
): Promise<void> {
  const { outdated, unchecked } = await outdatedByPlugin(registry, manifests);
  if (unchecked !== undefined)
    log('warn', OUTDATED_WARNING.unchecked, {
      plugins: manifests.map((m) => m.slug),
      reason: unchecked,
    });
  for (const { slug, version } of manifests) {
    const found = outdated[slug];
    if (!found) continue;
    log('warn', OUTDATED_WARNING.message, {
      plugin: slug,
      version,
      count: found.count,
      instances: found.names,
      fix: OUTDATED_WARNING.fix,
    });
  }
}
