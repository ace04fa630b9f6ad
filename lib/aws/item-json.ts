import * as z from 'zod';
import { PlugboardError } from '../sdk/errors';
import { check } from './item-checks';
import { jsonValueFault } from './json-value-fault';

/**
 * Free-form values (options, context, manifests, stored values) are kept in registry items as JSON
 * strings: they round-trip exactly as JSON does over HTTP, and an item's size is known before it is
 * written.
 */

/** Built once: z.json() constructs its recursive schema anew on every call, ~80 µs each time. */
const jsonValue = z.json();

/** Object properties set to undefined mean "absent" in JS, as they do in JSON; other undefineds are errors. */
function withoutUndefined(value: unknown, depth = 0): unknown {
  if (depth > 64 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => withoutUndefined(v, depth + 1));
  if (Object.getPrototypeOf(value) !== Object.prototype) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, withoutUndefined(v, depth + 1)]),
  );
}

/** JSON text of a value, or Validation when it has no faithful JSON form. */
export function toJson(input: unknown, what: string, pointer = ''): string {
  const value = withoutUndefined(input);
  if (!jsonValue.safeParse(value).success) {
    const fault = jsonValueFault(value, pointer);
    if (fault) throw new PlugboardError('Validation', `${what} is not valid`, { errors: [fault] });
    check(jsonValue, value, what, pointer);
  }
  try {
    return JSON.stringify(value);
  } catch {
    throw new PlugboardError('Validation', `${what} cannot be written as JSON (is it circular?)`);
  }
}

export function fromJson(text: unknown, what: string): unknown {
  if (typeof text !== 'string') throw corrupted(what);
  try {
    return JSON.parse(text);
  } catch {
    throw corrupted(what);
  }
}

const corrupted = (what: string) => new PlugboardError('Internal', `the registry holds a corrupted ${what}`);
