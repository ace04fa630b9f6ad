import type { FieldError } from './errors';
import type { Param } from './manifest';
import { valueFitsType } from './manifest';

/** RFC 6901 escaping of one pointer segment. */
export const pointerSegment = (s: string | number): string =>
  String(s).replaceAll('~', '~0').replaceAll('/', '~1');

export interface ParamCheck {
  values: Record<string, unknown>;
  errors: FieldError[];
}

const byNameCache = new WeakMap<readonly Param[], Map<string, Param>>();

/** The params by name, made once per list: a manifest's lists are made once and never changed. */
export function paramsByName(params: readonly Param[]): Map<string, Param> {
  let byName = byNameCache.get(params);
  if (!byName) {
    byName = new Map(params.map((p) => [p.name, p]));
    byNameCache.set(params, byName);
  }
  return byName;
}

/**
 * Checks caller values against declared params: unknown names, wrong types, values outside the
 * choices and missing required params are errors (each located by a JSON pointer under `base`);
 * optional params left out get their default. Secret params are never accepted from a caller:
 * they are credentials and travel only through the credential store.
 */
export function checkParams(params: readonly Param[], input: unknown, base: string): ParamCheck {
  const errors: FieldError[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    // `base` is '' for a whole document: RFC 6901's pointer to the root ("/" names a key "").
    return { values: {}, errors: [{ pointer: base, detail: 'must be an object' }] };
  }
  const given = input as Record<string, unknown>;
  const byName = paramsByName(params);
  const values: Record<string, unknown> = {};
  // Pointers are made for errors only: escaping every given name cost each call more than its check.
  const pointer = (name: string) => `${base}/${pointerSegment(name)}`;
  for (const name of Object.keys(given)) {
    const param = byName.get(name);
    if (!param) {
      errors.push({
        pointer: pointer(name),
        detail: `unknown parameter "${name}"; known: ${[...byName.keys()].join(', ') || 'none'}`,
      });
      continue;
    }
    if (param.type === 'secret') {
      errors.push({
        pointer: pointer(name),
        detail: `"${name}" is a secret: set it with PUT /v1/instances/{name}/credentials`,
      });
      continue;
    }
    const value = given[name];
    if (!valueFitsType(param.type, value)) {
      errors.push({ pointer: pointer(name), detail: `must be of type ${param.type}` });
    } else if (param.choices && !param.choices.includes(value as string | number)) {
      errors.push({
        pointer: pointer(name),
        detail: `must be one of ${param.choices.map((c) => JSON.stringify(c)).join(', ')}`,
      });
    } else {
      values[name] = value;
    }
  }
  for (const param of params) {
    // Own keys only: a param may be named `constructor` or `toString`, which every object inherits.
    if (Object.hasOwn(given, param.name) || param.type === 'secret') continue;
    if (param.default !== undefined) values[param.name] = param.default;
    else if (param.required) {
      errors.push({ pointer: pointer(param.name), detail: `"${param.name}" is required` });
    }
  }
  return { values, errors };
}
