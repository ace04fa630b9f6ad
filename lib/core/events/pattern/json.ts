export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What `valueAt` answers when an array stands on the way: each element holds a value there. */
export const THROUGH_ARRAY: unique symbol = Symbol('through an array');

/**
 * The value at `path` read down plain objects: `undefined` when a key is missing or a value on the
 * way is not an object, THROUGH_ARRAY when an array stands before the last key (the caller walks the
 * elements). Nearly every event is plain objects all the way, so this loop is the usual read.
 */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (let depth = 0; depth < path.length; depth++) {
    if (Array.isArray(value)) return THROUGH_ARRAY;
    const key = path[depth]!;
    if (!isPlainObject(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/** RFC 6901: `~` and `/` in a key are escaped so the pointer stays unambiguous. */
export function pointerTo(parent: string, key: string | number): string {
  return `${parent}/${String(key).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}
