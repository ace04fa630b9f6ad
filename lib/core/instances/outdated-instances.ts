import type { Manifest } from '../../sdk/manifest';
import { everyItem } from '../every-item';
import { optionsFit } from '../invocation/outdated-options';
import type { Registry } from '../ports';

/** How many names a report lists; the count says how many there are in all. */
const LISTED = 20;

/** What the platform logs of them, locally when a plugin loads and on AWS when it is deployed. */
export const OUTDATED_WARNING = {
  message: "instances' options do not fit their plugin; their calls answer 409 OptionsOutdated",
  fix: 'GET /v1/instances/<name> shows outdatedOptions; PATCH /v1/instances/<name> fixes them',
  /** When the instances could not be read (see outdatedByPlugin). */
  unchecked: "instances' options not checked against the plugin's version",
} as const;

export interface OutdatedInstances {
  /** The first names, in the registry's order. */
  readonly names: readonly string[];
  readonly count: number;
}

/**
 * The instances of a plugin whose stored options do not fit its manifest, read when the plugin is
 * loaded: their calls answer OptionsOutdated until a PATCH fixes them, so an operator hears of them
 * when the version changes, not from the first caller refused.
 */
export async function outdatedInstances(registry: Registry, manifest: Manifest): Promise<OutdatedInstances> {
  const names: string[] = [];
  let count = 0;
  const listed = everyItem((page) => registry.listInstances({ plugin: manifest.slug, ...page }));
  for await (const instance of listed) {
    if (optionsFit(manifest, instance.options).outdated.length === 0) continue;
    count++;
    if (names.length < LISTED) names.push(instance.name);
  }
  return { names, count };
}

/** What `outdatedByPlugin` found: by slug, each plugin with outdated instances, or why none were read. */
export interface OutdatedByPlugin {
  readonly outdated: Record<string, OutdatedInstances>;
  readonly unchecked?: string;
}

/**
 * outdatedInstances of each manifest, as a warning's input: instances that cannot be read now fail
 * neither a start, a reload nor a deploy; the plugins are loaded or deployed all the same.
 */
export async function outdatedByPlugin(
  registry: Registry,
  manifests: readonly Manifest[],
): Promise<OutdatedByPlugin> {
  try {
    const found = await Promise.all(manifests.map((manifest) => outdatedInstances(registry, manifest)));
    const outdated = Object.fromEntries(
      manifests.flatMap((manifest, i) => (found[i]!.count > 0 ? [[manifest.slug, found[i]!]] : [])),
    );
    return { outdated };
  } catch (error) {
    return { outdated: {}, unchecked: (error as Error).message };
  }
}
