import type { FieldError } from '../../sdk/errors';
import type { Manifest, Param } from '../../sdk/manifest';
import { checkParams, paramsByName, pointerSegment } from '../../sdk/params';

/**
 * An instance's stored options read against its plugin's current manifest. They were checked when
 * the instance was written, but a later version of the plugin may have added a required option,
 * changed a type, narrowed the choices or dropped an option since.
 */
export interface OptionsFit {
  /** A handler's ctx.options: the stored values the manifest declares, over its defaults. */
  readonly options: Readonly<Record<string, unknown>>;
  /** Every stored option that does not fit, and every required one not stored, at `/options/<name>`. */
  readonly outdated: readonly FieldError[];
  /**
   * Those of `outdated` a call is refused for: all but the options the manifest no longer declares,
   * which no handler typed from it can read, so they are left out of ctx.options instead (and kept
   * stored, for a version that declares them again).
   */
  readonly refusing: readonly FieldError[];
}

/** Pure: what `stored` gives a handler of the manifest whose options are `params`, and what does not fit. */
export function fitOptions(params: readonly Param[], stored: Readonly<Record<string, unknown>>): OptionsFit {
  const byName = paramsByName(params);
  const declared: Record<string, unknown> = {};
  const undeclared: FieldError[] = [];
  for (const name of Object.keys(stored)) {
    if (byName.has(name)) declared[name] = stored[name];
    else
      undeclared.push({
        pointer: `/options/${pointerSegment(name)}`,
        detail:
          "is not declared by the plugin's current version: it is left out of calls; remove it with null",
      });
  }
  // checkParams is the check made when the instance is written: a call is refused exactly when a
  // write of these options would be, undeclared ones aside.
  const checked = checkParams(params, declared, '/options');
  return {
    options: checked.values,
    outdated: undeclared.length === 0 ? checked.errors : [...checked.errors, ...undeclared],
    refusing: checked.errors,
  };
}

/**
 * The last fit of each stored options object, with the options list it was made for. The registry's
 * cache hands out the same frozen record, options and manifest alike, to every call until its entry
 * expires, so an instance whose options fit costs a call one lookup; a plugin upgraded meanwhile
 * brings a new list, and the fit is made again.
 */
const fits = new WeakMap<object, { readonly params: readonly Param[]; readonly fit: OptionsFit }>();

/** fitOptions, made once per stored options object and manifest: read on every call. */
export function optionsFit(manifest: Manifest, stored: Readonly<Record<string, unknown>>): OptionsFit {
  const params = manifest.options;
  const hit = fits.get(stored);
  if (hit?.params === params) return hit.fit;
  const fit = fitOptions(params, stored);
  fits.set(stored, { params, fit });
  return fit;
}
