import { PlugboardError } from '../../sdk/errors';
import { pointerSegment } from '../../sdk/params';

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
  return `${objectKind(value)} is not JSON (it has no fields JSON can see); answer a plain object, or give its class a toJSON`;
}

/**
 * What an object that is not a plain one is, in words. By its tag, not its constructor's name, which
 * a bundler's minifier renames: an Error, a RegExp, a Response say what they are, a plugin's own
 * class is "Object".
 */
export function objectKind(value: object): string {
  const tag = Object.prototype.toString.call(value).slice('[object '.length, -1);
  return tag === 'Object' ? 'a class instance' : named(tag);
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
function asJsonSees(value: unknown, key: string | number): unknown {
  if (value !== null && (typeof value === 'object' || typeof value === 'bigint')) {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return toJSON.call(value, String(key));
  }
  return value;
}

/** Why JSON would lose a value that is not an object. */
function lostPrimitive(value: unknown): string | undefined {
  switch (typeof value) {
    case 'function':
      return 'a function is not JSON';
    case 'symbol':
      return 'a symbol is not JSON';
    case 'bigint':
      return 'a BigInt is not JSON; answer a string or a number';
  }
  return undefined;
}

/** How deep a path is looked along for a cycle before its objects are kept in a set instead. */
const SCANNED_DEPTH = 16;

/**
 * How many objects and arrays deep a value may nest. What carries a value on recurses:
 * JSON.stringify, structured clone and the redactor's walk overflow a main thread's stack (the
 * dispatcher's, a Lambda's) at 2,500 to 4,000 levels, fewer the deeper the call they run in. Well
 * under that, a value is refused here, by name, rather than failing there without one (a 500, or
 * "not JSON"); no answer a caller reads nests near so deep.
 */
export const MAX_JSON_DEPTH = 1_000;

const TOO_DEEP = `it nests objects and arrays more than ${MAX_JSON_DEPTH.toLocaleString('en')} deep, deeper than the platform carries; answer a flatter value`;

/** A fault, named by the keys of the path from the root to it (an index for an array's value). */
const faultAt = (reason: string, keyLists: (string[] | undefined)[], ats: number[]) => ({
  reason,
  keys: ats.map((at, i) => keyLists[i]?.[at] ?? at),
});

/**
 * Looks past a primitive, a plain object and an array only to find what JSON would lose or what
 * nests past MAX_JSON_DEPTH, and names it by its keys from the root. Walks with a stack of its own
 * rather than recursion: the stack is the path the pointer is named by.
 */
function findFault(root: unknown): { reason: string; keys: (string | number)[] } | undefined {
  // The path from the root: each object or array being walked, its keys (none for an array) and the
  // index of the value under it being looked at, named only on the way out so that a value that
  // passes makes no strings.
  const objects: object[] = [];
  const keyLists: (string[] | undefined)[] = [];
  const ats: number[] = [];
  // An object already on the path is a cycle: looked for along the path while it is short, where
  // that is cheaper than keeping a set (a set made the walk of a small result twice as slow), and
  // in a set once it is longer, so that depth costs no more than the walk. Nothing here is captured
  // by a closure, which would move it off V8's registers and made the walk slower still.
  let open: Set<object> | undefined;
  let value = asJsonSees(root, '');
  for (;;) {
    if (value !== null && typeof value === 'object') {
      if (open ? open.has(value) : objects.includes(value))
        return faultAt('the value contains itself, which JSON cannot hold', keyLists, ats);
      const keys = Array.isArray(value) ? undefined : Object.keys(value);
      const lost = keys === undefined || isPlain(value) ? undefined : lostObject(value, keys);
      if (lost) return faultAt(lost, keyLists, ats);
      // Named at the root: the pointer to the level past the limit would be a thousand keys long.
      if (objects.length === MAX_JSON_DEPTH) return { reason: TOO_DEEP, keys: [] };
      objects.push(value);
      keyLists.push(keys);
      ats.push(-1);
      if (open) open.add(value);
      else if (objects.length > SCANNED_DEPTH) open = new Set(objects);
    } else {
      const lost = lostPrimitive(value);
      if (lost) return faultAt(lost, keyLists, ats);
    }
    // On to the value after the last one looked at, in the innermost object that has one.
    for (;;) {
      const top = objects.length - 1;
      if (top < 0) return undefined;
      const object = objects[top]!;
      const keys = keyLists[top];
      const at = ++ats[top]!;
      // An array's length is read at each step, as a loop over it would. The two kinds are read
      // apart, each by keys of one type, which V8 reads faster than one read taking both.
      if (keys === undefined) {
        if (at < (object as unknown[]).length) {
          value = asJsonSees((object as unknown[])[at], at);
          break;
        }
      } else if (at < keys.length) {
        const key = keys[at]!;
        value = asJsonSees((object as Record<string, unknown>)[key], key);
        break;
      }
      open?.delete(object);
      objects.pop();
      keyLists.pop();
      ats.pop();
    }
  }
}

/**
 * Throws PluginFailed when JSON would carry `value` changed rather than as the plugin gave it: a
 * Map or a Set would arrive as `{}` and a BigInt or a cycle would not arrive at all, so a plugin is
 * told where and what instead. The message names the first such value by its JSON pointer under
 * `pointer`; a value nested deeper than MAX_JSON_DEPTH, which nothing after would carry, is named
 * at `pointer` itself. What JSON changes by its own rules is left to it: a Date (its toJSON) becomes
 * its ISO string, an undefined field is left out.
 */
export function checkJson(value: unknown, pointer: string, refused: string): void {
  const found = findFault(value);
  if (!found) return;
  const at = pointer + found.keys.map((key) => `/${pointerSegment(key)}`).join('');
  throw new PlugboardError('PluginFailed', `${refused} at ${at}: ${found.reason}`);
}
