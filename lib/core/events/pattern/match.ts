import { isPlainObject, THROUGH_ARRAY, valueAt } from './json';
import { numberKey } from './numbers';
import type { CompiledPattern, FieldCondition, PatternNode, Scalar } from './types';

const EMPTY: Record<string, unknown> = Object.freeze({});

/** Whether `event` matches: never throws, whatever JSON value it is given. */
export function matches(compiled: CompiledPattern, event: unknown): boolean {
  return nodeHolds(compiled.root, event);
}

/** A field of a pattern with the keys leading to it from the root. */
export interface FieldAt {
  readonly path: readonly string[];
  readonly field: FieldCondition;
}

/**
 * A pattern without `$or` as the list of its fields, each read at its path: `holdsAlongPaths` checks
 * it in one loop instead of a walk of nested objects. `undefined` for a pattern with `$or`.
 */
export function fieldsAlongPaths(compiled: CompiledPattern): FieldAt[] | undefined {
  const fields: FieldAt[] = [];
  const visit = (node: PatternNode, path: readonly string[]): boolean => {
    if (node.anyOf.length > 0) return false;
    for (const field of node.fields) fields.push({ path: [...path, field.key], field });
    return node.children.every((child) => visit(child.node, [...path, child.key]));
  };
  return visit(compiled.root, []) ? fields : undefined;
}

/**
 * `matches(compiled, object)` for an object event, given `fieldsAlongPaths(compiled)`. Read through
 * plain objects only, a field's path yields what the nested walk would hand it (a missing key or a
 * value that is not an object read as absent), so each field decides alone; an array on the way
 * brings in array consistency (see `nodeHolds`), and the walk decides.
 */
export function holdsAlongPaths(
  fields: readonly FieldAt[],
  compiled: CompiledPattern,
  event: Record<string, unknown>,
): boolean {
  for (let i = 0; i < fields.length; i++) {
    const { path, field } = fields[i]!;
    const value = valueAt(event, path);
    if (value === THROUGH_ARRAY) return matches(compiled, event);
    if (!fieldHolds(field, value)) return false;
  }
  return true;
}

/**
 * An array under a pattern object is matched element by element, so all fields of one branch must hold
 * in the same element (event-ruler's array consistency). A node that holds on absence alone (only
 * `exists: false`) must hold for every element instead, as event-ruler treats a field present in any
 * element as present.
 */
function nodeHolds(node: PatternNode, value: unknown): boolean {
  if (Array.isArray(value)) return arrayHolds(node, value);
  const object = isPlainObject(value) ? value : EMPTY;
  for (const field of node.fields) {
    if (!fieldHolds(field, Object.hasOwn(object, field.key) ? object[field.key] : undefined)) return false;
  }
  for (const child of node.children) {
    if (!nodeHolds(child.node, Object.hasOwn(object, child.key) ? object[child.key] : undefined))
      return false;
  }
  for (const group of node.anyOf) {
    if (!someHolds(group, object)) return false;
  }
  return true;
}

/** A loop rather than `group.some(closure)`: this runs per candidate pattern on every event. */
function someHolds(branches: readonly PatternNode[], object: Record<string, unknown>): boolean {
  for (const branch of branches) if (nodeHolds(branch, object)) return true;
  return false;
}

function arrayHolds(node: PatternNode, elements: readonly unknown[]): boolean {
  if (node.needsPresence) return elements.some((element) => nodeHolds(node, element));
  return elements.every((element) => nodeHolds(node, element));
}

const ABSENT = 0;
const PRESENT = 1;
const MATCHED = 2;

/** A field holds if some leaf under it (arrays flattened, objects ignored) matches, or none exists and absence is allowed. */
function fieldHolds(field: FieldCondition, value: unknown): boolean {
  const outcome = leafOutcome(field, value);
  return outcome === MATCHED || (outcome === ABSENT && field.matchesAbsent);
}

function leafOutcome(field: FieldCondition, value: unknown): number {
  if (value === undefined || (typeof value === 'object' && value !== null && !Array.isArray(value)))
    return ABSENT;
  if (Array.isArray(value)) {
    let outcome = ABSENT;
    for (const element of value) {
      const inner = leafOutcome(field, element);
      if (inner === MATCHED) return MATCHED;
      if (inner === PRESENT) outcome = PRESENT;
    }
    return outcome;
  }
  return leafMatches(field, value as Scalar) ? MATCHED : PRESENT;
}

function leafMatches(field: FieldCondition, value: Scalar): boolean {
  if (typeof value === 'string') {
    if (field.strings.has(value)) return true;
  } else if (typeof value === 'number') {
    if (field.numbers.size > 0 && field.numbers.has(numberKey(value))) return true;
  } else if (typeof value === 'boolean' || value === null) {
    if (field.literals.has(value)) return true;
  } else {
    return false;
  }
  for (const test of field.tests) if (test(value)) return true;
  return false;
}
