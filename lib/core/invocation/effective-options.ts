import type { Manifest } from '../../sdk/manifest';
import { mergeRecords } from '../merge-records';

interface OptionRules {
  readonly defaults: Record<string, unknown>;
  /** Required options without a default; a secret one is a credential, checked as such. */
  readonly required: readonly string[];
}

/** Made once per manifest: read on every call. */
const rulesByManifest = new WeakMap<Manifest, OptionRules>();

function rulesOf(manifest: Manifest): OptionRules {
  let rules = rulesByManifest.get(manifest);
  if (!rules) {
    rules = {
      defaults: Object.fromEntries(
        manifest.options.filter((o) => o.default !== undefined).map((o) => [o.name, o.default]),
      ),
      required: manifest.options
        .filter((o) => o.required && o.default === undefined && o.type !== 'secret')
        .map((o) => o.name),
    };
    rulesByManifest.set(manifest, rules);
  }
  return rules;
}

/** Instance options as the handler sees them: stored values merged over the manifest's defaults. */
export function effectiveOptions(
  manifest: Manifest,
  options: Record<string, unknown>,
): Record<string, unknown> {
  return mergeRecords(rulesOf(manifest).defaults, options);
}

/**
 * The required options an instance has no value for. Options are checked when an instance is
 * written, so these are options a later version of its plugin requires, which its handlers, typed
 * from the manifest, take to be there.
 */
export function missingOptions(manifest: Manifest, options: Record<string, unknown>): string[] {
  const { required } = rulesOf(manifest);
  return required.length === 0 ? [] : required.filter((name) => !Object.hasOwn(options, name));
}
