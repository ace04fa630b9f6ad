import type { Manifest } from '../../sdk/manifest';
import { mergeRecords } from '../merge-records';

/** A manifest's option defaults, made once per manifest: read on every call. */
const optionDefaults = new WeakMap<Manifest, Record<string, unknown>>();

/** Instance options as the handler sees them: stored values merged over the manifest's defaults. */
export function effectiveOptions(
  manifest: Manifest,
  options: Record<string, unknown>,
): Record<string, unknown> {
  let defaults = optionDefaults.get(manifest);
  if (!defaults) {
    defaults = Object.fromEntries(
      manifest.options.filter((o) => o.default !== undefined).map((o) => [o.name, o.default]),
    );
    optionDefaults.set(manifest, defaults);
  }
  return mergeRecords(defaults, options);
}
