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
  if (!root || problems.length > 0) return { problems };
  return { root: hasRepeatedPath(root) ? (lastWritesWin(pattern) ?? root) : root, problems };
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
  return nodeOf(fields, children, anyOf);
}

function nodeOf(
  fields: FieldCondition[],
  children: { key: string; node: PatternNode }[],
  anyOf: PatternNode[][],
): PatternNode {
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

/** Whether two fields of the pattern, in `$or` branches or not, sit at the same path. */
function hasRepeatedPath(root: PatternNode): boolean {
  const seen = new Set<string>();
  const visit = (node: PatternNode, path: string): boolean => {
    for (const field of node.fields) {
      const at = `${path}\u0000${field.key}`;
      if (seen.has(at)) return true;
      seen.add(at);
    }
    return (
      node.children.some((child) => visit(child.node, `${path}\u0000${child.key}`)) ||
      node.anyOf.some((group) => group.some((branch) => visit(branch, path)))
    );
  };
  return visit(root, '');
}

type FlatRule = Map<string, { readonly path: readonly string[]; readonly field: FieldCondition }>;

/**
 * A pattern where a field inside `$or` and one outside it (or in a nested `$or`) share a path, as
 * event-ruler compiles it: JsonRuleCompiler.parseIntoOrRelationship forks the rules built so far into
 * one flat rule per branch, and writeRules puts each field into every rule with `rule.put(name,
 * values)` (rule overriding is on by default in GenericMachine), so of two fields at one path the
 * later in the pattern's key order replaces the earlier in the rules holding both. The user guide's
 * complex `$or` example says the same: "if you include a key more than once the last reference will
 * be the one used". `undefined` when no field replaces another, so the pattern keeps its own shape.
 */
function lastWritesWin(pattern: Record<string, unknown>): PatternNode | undefined {
  let replaced = false;
  const walk = (object: Record<string, unknown>, path: readonly string[], rules: FlatRule[]): FlatRule[] => {
    let current = rules;
    for (const [key, value] of Object.entries(object)) {
      if (key === OR) {
        const before = current;
        current = (value as Record<string, unknown>[]).flatMap((branch) =>
          walk(
            branch,
            path,
            before.map((rule) => new Map(rule)),
          ),
        );
      } else if (Array.isArray(value)) {
        const fieldPath = [...path, key];
        const name = fieldPath.join('\u0000');
        // Valid already: the pattern was parsed without problems.
        const entry = { path: fieldPath, field: parseField(key, value, '', [])! };
        for (const rule of current) {
          if (rule.has(name)) replaced = true;
          rule.set(name, entry);
        }
      } else {
        current = walk(value as Record<string, unknown>, [...path, key], current);
      }
    }
    return current;
  };
  const rules = walk(pattern, [], [new Map()]);
  if (!replaced) return undefined;
  // Top-level fields every rule shares stay required of the whole pattern, where the index routes on them.
  const shared = [...(rules[0]?.values() ?? [])].filter(
    (entry) => entry.path.length === 1 && rules.every((rule) => rule.get(entry.path[0]!) === entry),
  );
  const rests = rules.map((rule) => [...rule.values()].filter((entry) => !shared.includes(entry)));
  // A rule left with nothing beyond the shared fields holds whenever they do, and so does the `$or`.
  if (rests.some((rest) => rest.length === 0)) return nodeFrom(shared);
  if (rests.length === 1) return nodeFrom([...shared, ...rests[0]!]);
  const root = nodeFrom(shared);
  return nodeOf([...root.fields], [...root.children], [rests.map((rest) => nodeFrom(rest))]);
}

/** The nested pattern object holding these fields, each at its path. */
function nodeFrom(
  entries: readonly { readonly path: readonly string[]; readonly field: FieldCondition }[],
): PatternNode {
  const fields: FieldCondition[] = [];
  const nested = new Map<string, { path: readonly string[]; field: FieldCondition }[]>();
  for (const { path, field } of entries) {
    const [head, ...tail] = path;
    if (tail.length === 0) fields.push(field);
    else {
      const inner = nested.get(head!) ?? [];
      inner.push({ path: tail, field });
      nested.set(head!, inner);
    }
  }
  const children = [...nested].map(([key, inner]) => ({ key, node: nodeFrom(inner) }));
  return nodeOf(fields, children, []);
}
