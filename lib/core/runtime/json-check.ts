import { PlugboardError } from '../../sdk/errors';
import { pointerSegment } from '../../sdk/params';

interface Fault {
  reason: string;
  /** Its keys, innermost first: named on the way out, so a value that passes makes no strings. */
  keys: string[];
}

const fault = (reason: string): Fault => ({ reason, keys: [] });
const under = (found: Fault, key: string): Fault => {
  found.keys.push(key);
  return found;
};
const named = (name: string): string => `${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name}`;

/**
 * Why JSON would lose an object that is not a plain object or an array. A class instance with
 * fields of its own travels as those fields, as it always has (the redactor walks it so too); one
 * without any travels as `{}`, which is what a Map, a Set, a Promise that was not awaited, an Error
 * and a class keeping its state in private fields or accessors all become.
 */
function lostObject(value: object, keys: string[]): string | undefined {
  if (value instanceof Map) return 'a Map is not JSON; answer an object or an array of entries';
  if (value instanceof Set) return 'a Set is not JSON; answer an array';
  if (value instanceof Promise) return 'a Promise is not JSON; await it';
  if (keys.length > 0) return undefined;
  // The tag, not the constructor's name, which a bundler's minifier renames: an Error, a RegExp, a
  // Response say what they are, a plugin's own class is "Object".
  const tag = Object.prototype.toString.call(value).slice('[object '.length, -1);
  const what = tag === 'Object' ? 'a class instance' : named(tag);
  return `${what} is not JSON (it has no fields JSON can see); answer a plain object, or give its class a toJSON`;
}

/** A realm's Object.prototype, or none: the objects JSON carries as they are. */
function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

/**
 * As JSON.stringify does, asks a value for its toJSON once (a Date's, or one added to BigInt) and
 * takes what it gives as it is.
 */
function findFault(value: unknown, key: string | number, ancestors: object[]): Fault | undefined {
  if (value !== null && (typeof value === 'object' || typeof value === 'bigint')) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return faultIn(toJSON.call(value, String(key)), ancestors);
  }
  return faultIn(value, ancestors);
}

/** Looks past a primitive, a plain object and an array only to find what JSON would lose. */
function faultIn(value: unknown, ancestors: object[]): Fault | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'undefined':
      return undefined;
    case 'function':
      return fault('a function is not JSON');
    case 'symbol':
      return fault('a symbol is not JSON');
    case 'bigint':
      return fault('a BigInt is not JSON; answer a string or a number');
  }
  if (value === null) return undefined;
  const object = value as object;
  if (ancestors.includes(object)) return fault('the value contains itself, which JSON cannot hold');
  ancestors.push(object);
  if (Array.isArray(object)) {
    for (let i = 0; i < object.length; i++) {
      const found = findFault(object[i], i, ancestors);
      if (found) return under(found, String(i));
    }
  } else {
    const keys = Object.keys(object);
    const lost = isPlain(object) ? undefined : lostObject(object, keys);
    if (lost) return fault(lost);
    for (const k of keys) {
      const found = findFault((object as Record<string, unknown>)[k], k, ancestors);
      if (found) return under(found, k);
    }
  }
  ancestors.pop();
  return undefined;
}

/**
 * Throws PluginFailed when JSON would carry `value` changed rather than as the plugin gave it: a
 * Map or a Set would arrive as `{}` and a BigInt or a cycle would not arrive at all, so a plugin is
 * told where and what instead. The message names the first such value by its JSON pointer under
 * `pointer`. What JSON changes by its own rules is left to it: a Date (its toJSON) becomes its ISO
 * string, an undefined field is left out.
 */
export function checkJson(value: unknown, pointer: string, refused: string): void {
  const found = findFault(value, '', []);
  if (!found) return;
  const at = pointer + found.keys.reduceRight((path, key) => `${path}/${pointerSegment(key)}`, '');
  throw new PlugboardError('PluginFailed', `${refused} at ${at}: ${found.reason}`);
}
