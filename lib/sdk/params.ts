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
  const byName = new Map(params.map((p) => [p.name, p]));
  const values: Record<string, unknown> = {};
  for (const name of Object.keys(given)) {
    const pointer = `${base}/${pointerSegment(name)}`;
    const param = byName.get(name);
    if (!param) {
      errors.push({
        pointer,
        detail: `unknown parameter "${name}"; known: ${[...byName.keys()].join(', ') || 'none'}`,
      });
      continue;
    }
    if (param.type === 'secret') {
      errors.push({
        pointer,
        detail: `"${name}" is a secret: set it with PUT /v1/instances/{name}/credentials`,
      });
      continue;
    }
    const value = given[name];
    if (!valueFitsType(param.type, value)) {
      errors.push({ pointer, detail: `must be of type ${param.type}` });
    } else if (param.choices && !param.choices.includes(value as string | number)) {
      errors.push({
        pointer,
        detail: `must be one of ${param.choices.map((c) => JSON.stringify(c)).join(', ')}`,
      });
    } else {
      values[name] = value;
    }
  }
  for (const param of params) {
    if (param.name in values || Object.hasOwn(given, param.name) || param.type === 'secret') continue;
    if (param.default !== undefined) values[param.name] = param.default;
    else if (param.required) {
      errors.push({
        pointer: `${base}/${pointerSegment(param.name)}`,
        detail: `"${param.name}" is required`,
      });
    }
  }
  return { values, errors };
}
