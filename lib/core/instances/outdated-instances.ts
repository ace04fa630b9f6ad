import type { Manifest } from '../../sdk/manifest';
import { optionsFit } from '../invocation/outdated-options';
import type { Registry } from '../ports';

/** How many names a report lists; the count says how many there are in all. */
const LISTED = 20;

/** What the platform logs of them, locally when a plugin loads and on AWS when it is deployed. */
export const OUTDATED_WARNING = {
  message: "instances' options do not fit their plugin; their calls answer 409 OptionsOutdated",
  fix: 'GET /v1/instances/<name> shows outdatedOptions; PATCH /v1/instances/<name> fixes them',
  /** When the instances could not be read: the plugin is loaded or deployed all the same. */
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
  let cursor: string | undefined;
  do {
    const page = await registry.listInstances({ plugin: manifest.slug, limit: 1000, cursor });
    for (const instance of page.items) {
      if (optionsFit(manifest, instance.options).outdated.length === 0) continue;
      count++;
      if (names.length < LISTED) names.push(instance.name);
    }
    cursor = page.nextCursor;
  } while (cursor);
  return { names, count };
}
