import { objectKind } from '../core/runtime/json-check';
import type { FieldError } from '../sdk/errors';
import { pointerSegment } from '../sdk/params';

/** Why a value is not one JSON keeps as it is; none for a string, a finite number, a boolean or null. */
function whyNotJson(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `${value} is not a JSON number; store null or a string`;
    case 'bigint':
      return 'a BigInt is not JSON; store a string or a number';
    case 'undefined':
      return 'undefined is not JSON; store null';
    case 'function':
      return 'a function is not JSON';
    case 'symbol':
      return 'a symbol is not JSON';
  }
  if (value === null || Array.isArray(value)) return undefined;
  const proto = Object.getPrototypeOf(value);
  if (proto === null || proto === Object.prototype) return undefined;
  if (value instanceof Date) return 'a Date is not JSON; store its toISOString()';
  return `${objectKind(value as object)} is not JSON; store a plain object or an array`;
}

/**
 * The first value under `root` that the registry would not keep as it is (it keeps values exactly,
 * so a Date is refused rather than turned into a string), by its JSON pointer under `pointer`. Only
 * asked once a value has been refused, to say where and why: zod's union says "Invalid input" at the
 * root. Breadth-first, with a queue of its own, so depth costs no stack.
 */
export function jsonValueFault(root: unknown, pointer: string): FieldError | undefined {
  const queue: [unknown, string][] = [[root, pointer]];
  const seen = new Set<object>();
  for (let head = 0; head < queue.length; head++) {
    const [value, at] = queue[head]!;
    const why = whyNotJson(value);
    if (why) return { pointer: at, detail: why };
    if (value === null || typeof value !== 'object') continue;
    // Met again: looked at already, or to be. A second path to an object is no fault (a value may
    // hold one object twice); a cycle is JSON.stringify's to name.
    if (seen.has(value)) continue;
    seen.add(value);
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((item, index) => [index, item])
      : Object.entries(value);
    for (const [key, item] of entries) queue.push([item, `${at}/${pointerSegment(key)}`]);
  }
  return undefined;
}
