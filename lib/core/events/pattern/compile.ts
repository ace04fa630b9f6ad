import { PlugboardError } from '../../../sdk/errors';
import { parseField } from './field';
import { isPlainObject, pointerTo } from './json';
import type { CompiledPattern, EventPattern, FieldCondition, PatternNode, PatternProblem } from './types';

/** EventBridge's largest event pattern (the default quota is 2,048 characters, raisable to 4,096). */
export const MAX_PATTERN_CHARS = 4096;
/** TestEventPattern and PutRule reject a pattern whose `$or` arrays expand to more rules than this. */
export const MAX_OR_COMBINATIONS = 1000;

const OR = '$or';

/** Operator names event-ruler refuses as field names inside `$or` (its RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP). */
const RESERVED_IN_OR = new Set([
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
]);

export type PatternValidation = { ok: true } | { ok: false; errors: PatternProblem[] };

export function validatePattern(pattern: unknown): PatternValidation {
  const { problems } = parse(pattern);
  return problems.length === 0 ? { ok: true } : { ok: false, errors: problems };
}

export function compilePattern(pattern: EventPattern): CompiledPattern {
  const { root, problems } = parse(pattern);
  if (!root || problems.length > 0) {
    throw new PlugboardError('Validation', 'the event pattern is not valid', { errors: problems });
  }
  return { root };
}

export function parse(pattern: unknown): { root?: PatternNode; problems: PatternProblem[] } {
  const problems: PatternProblem[] = [];
  if (!isPlainObject(pattern)) {
    problems.push({ pointer: '', detail: 'Event pattern must be a JSON object' });
    return { problems };
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(pattern);
  } catch {
    // Cycles and nesting too deep to serialise cannot come from JSON.
  }
  if (text === undefined || text.length > MAX_PATTERN_CHARS) {
    problems.push({ pointer: '', detail: `Event pattern is longer than ${MAX_PATTERN_CHARS} characters` });
    return { problems };
  }
  const root = parseNode(pattern, '', false, problems);
  if (root && problems.length === 0 && combinations(root) > MAX_OR_COMBINATIONS) {
    problems.push({
      pointer: '',
      detail: `The use of $or results in over ${MAX_OR_COMBINATIONS} rule combinations`,
    });
  }
  return problems.length === 0 ? { root, problems } : { problems };
}

function parseNode(
  object: Record<string, unknown>,
  at: string,
  insideOr: boolean,
  problems: PatternProblem[],
): PatternNode | undefined {
  const keys = Object.keys(object);
  if (keys.length === 0) {
    problems.push({ pointer: at, detail: 'Empty objects are not allowed' });
    return undefined;
  }
  const fields: FieldCondition[] = [];
  const children: { key: string; node: PatternNode }[] = [];
  const anyOf: PatternNode[][] = [];
  for (const key of keys) {
    const value = object[key];
    const keyAt = pointerTo(at, key);
    if (key === OR) {
      const group = parseOr(value, keyAt, problems);
      if (group) anyOf.push(group);
    } else if (insideOr && RESERVED_IN_OR.has(key)) {
      problems.push({
        pointer: keyAt,
        detail: `${key} is a reserved field name which cannot be used inside $or`,
      });
    } else if (Array.isArray(value)) {
      const field = parseField(key, value, keyAt, problems);
      if (field) fields.push(field);
    } else if (isPlainObject(value)) {
      const node = parseNode(value, keyAt, insideOr, problems);
      if (node) children.push({ key, node });
    } else {
      problems.push({ pointer: keyAt, detail: `"${key}" must be an object or an array` });
    }
  }
  const needsPresence =
    fields.some((field) => !field.matchesAbsent) ||
    children.some((child) => child.node.needsPresence) ||
    anyOf.some((group) => group.every((branch) => branch.needsPresence));
  return { fields, children, anyOf, needsPresence };
}

function parseOr(value: unknown, at: string, problems: PatternProblem[]): PatternNode[] | undefined {
  if (!Array.isArray(value)) {
    problems.push({ pointer: at, detail: 'It must be an Array followed with $or.' });
    return undefined;
  }
  if (value.length < 2) {
    problems.push({ pointer: at, detail: 'There must have at least 2 Objects in $or relationship.' });
    return undefined;
  }
  const branches: PatternNode[] = [];
  for (const [i, branch] of value.entries()) {
    if (!isPlainObject(branch)) {
      problems.push({
        pointer: pointerTo(at, i),
        detail: 'Only JSON object is allowed in array of $or relationship.',
      });
      continue;
    }
    const node = parseNode(branch, pointerTo(at, i), true, problems);
    if (node) branches.push(node);
  }
  return branches.length === value.length ? branches : undefined;
}

/** How many plain rules the `$or` arrays expand to, as event-ruler's compiler forks them. */
function combinations(node: PatternNode): number {
  let total = 1;
  for (const child of node.children) total *= combinations(child.node);
  for (const group of node.anyOf) total *= group.reduce((sum, branch) => sum + combinations(branch), 0);
  return total;
}
