import { compilePattern } from './compile';
import { isPlainObject, THROUGH_ARRAY, valueAt } from './json';
import { type FieldAt, fieldsAlongPaths, holdsAlongPaths, matches } from './match';
import { fixedPoint, isComparable } from './numbers';
import type { CompiledPattern, EventPattern, FieldCondition, PatternNode } from './types';

export interface PatternIndexOptions<T> {
  /** Order of `match` results; ties, and every result without it, keep insertion order. @default insertion order */
  readonly compare?: (a: T, b: T) => number;
}

/** A required field of a pattern the index can branch on: exact strings, prefixes, suffixes or numeric intervals. */
interface Route {
  /** The field's path joined with NUL, e.g. `detail\u0000state`. */
  readonly key: string;
  readonly path: readonly string[];
  readonly field: FieldCondition;
}

interface Entry<T> {
  readonly id: string;
  readonly compiled: CompiledPattern;
  /** What the routes to the pattern's node leave unchecked, if anything (see `uncheckedPart`). */
  readonly rest: CompiledPattern | undefined;
  /** The same as a list of fields when it has no `$or` (see `holdsAlongPaths`). */
  readonly restFields: readonly FieldAt[] | undefined;
  readonly value: T;
  readonly sequence: number;
  /** The branches taken from the root to the node the pattern ends at, one per route. */
  readonly trail: readonly Step<T>[];
}

interface Step<T> {
  readonly parent: IndexNode<T>;
  readonly key: string;
  readonly child: IndexNode<T>;
}

/**
 * A node of the index: the patterns whose every route led here, and branches on further fields. An
 * event takes a branch only when its value at the branch's field satisfies the branch's condition.
 */
class IndexNode<T> {
  /** Patterns ending here: an array, walked on every match without an iterator; removals are rare. */
  readonly ended: Entry<T>[] = [];
  /** Branches by field, each field's branches found by the value at that field. */
  readonly fields = new Map<string, FieldRoutes<IndexNode<T>>>();
  /** The same fields as an array, walked on every match without an iterator. */
  fieldList: FieldRoutes<IndexNode<T>>[] = [];
  /** Branches by field and condition: patterns with the same condition share one. */
  readonly branches = new Map<string, IndexNode<T>>();
  /** Patterns ending here or below. */
  patterns = 0;
  /** Number of the last `match` call that reached this node: reached once however many values lead here. */
  visited = 0;

  /** `route` is the field and condition the branch to this node was made for. */
  constructor(readonly route?: Route) {}
}

/** Patterns with equal routing values on a field share a branch: an event takes it for all of them. */
function branchKey({ key, field }: Route): string {
  return JSON.stringify([
    key,
    field.routing,
    [...field.strings].sort(),
    [...field.prefixes].sort(),
    [...field.suffixes].sort(),
    field.routing === 'numbers' ? field.ranges : [],
  ]);
}

/**
 * A list filled up to a count and emptied by resetting it, kept from one match to the next:
 * setting an array's length to 0 is a runtime call in V8, and a fresh array per match is garbage.
 */
class Gathered<X> {
  readonly items: X[] = [];
  count = 0;

  add(item: X): void {
    this.items[this.count++] = item;
  }
}

/** Targets reached by strings a value starts (or ends) with, by that string. */
class AffixRoutes<X> {
  private readonly byAffix = new Map<string, X[]>();
  /** Distinct affix lengths with how many affixes have each, so lookups try only those. */
  private readonly lengths = new Map<number, number>();
  /** The same lengths as an array: walking it costs no iterator on every lookup. */
  private lengthList: number[] = [];

  constructor(private readonly cut: (value: string, length: number) => string) {}

  get empty(): boolean {
    return this.lengthList.length === 0;
  }

  add(affixes: readonly string[], target: X): void {
    for (const affix of affixes) {
      bucket(this.byAffix, affix).push(target);
      this.lengths.set(affix.length, (this.lengths.get(affix.length) ?? 0) + 1);
    }
    this.lengthList = [...this.lengths.keys()];
  }

  remove(affixes: readonly string[], target: X): void {
    for (const affix of affixes) {
      unbucket(this.byAffix, affix, target);
      const left = (this.lengths.get(affix.length) ?? 1) - 1;
      if (left === 0) this.lengths.delete(affix.length);
      else this.lengths.set(affix.length, left);
    }
    this.lengthList = [...this.lengths.keys()];
  }

  collect(value: string, into: Gathered<readonly X[]>): void {
    const lengths = this.lengthList;
    for (let i = 0; i < lengths.length; i++) {
      const length = lengths[i]!;
      if (length > value.length) continue;
      const routed = this.byAffix.get(this.cut(value, length));
      if (routed) into.add(routed);
    }
  }
}

/**
 * Targets reached by numeric intervals. A lookup finds the intervals holding a value: sorted by low
 * bound, with the highest high bound so far beside each, it walks back from the last low bound at
 * or below the value and stops where no earlier interval reaches that far. Rebuilt on the first
 * lookup after a change, since subscriptions change far less often than events arrive.
 */
class RangeRoutes<X> {
  private readonly byTarget = new Map<X, readonly (readonly [number, number])[]>();
  private sorted: { low: number; high: number; target: X }[] | undefined;
  private reach: number[] = [];

  add(ranges: readonly (readonly [number, number])[], target: X): void {
    if (ranges.length === 0) return;
    this.byTarget.set(target, ranges);
    this.sorted = undefined;
  }

  remove(target: X): void {
    if (this.byTarget.delete(target)) this.sorted = undefined;
  }

  collect(value: number, into: Gathered<readonly X[]>): void {
    const sorted = this.index();
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]!.low <= value) lo = mid + 1;
      else hi = mid;
    }
    const found: X[] = [];
    for (let i = lo - 1; i >= 0 && this.reach[i]! >= value; i--) {
      if (sorted[i]!.high >= value) found.push(sorted[i]!.target);
    }
    if (found.length > 0) into.add(found);
  }

  private index(): { low: number; high: number; target: X }[] {
    if (this.sorted) return this.sorted;
    const sorted = [...this.byTarget].flatMap(([target, ranges]) =>
      ranges.map(([low, high]) => ({ low, high, target })),
    );
    sorted.sort((a, b) => a.low - b.low);
    let reach = Number.NEGATIVE_INFINITY;
    this.reach = sorted.map((interval) => {
      reach = Math.max(reach, interval.high);
      return reach;
    });
    this.sorted = sorted;
    return sorted;
  }
}

/** Targets reached through one field path, by exact value, by prefix, by suffix and by numeric interval. */
class FieldRoutes<X> {
  readonly exact = new Map<string, X[]>();
  readonly prefixes = new AffixRoutes<X>((value, length) => value.slice(0, length));
  readonly suffixes = new AffixRoutes<X>((value, length) => value.slice(value.length - length));
  readonly ranges = new RangeRoutes<X>();
  /** Targets reached through this field. */
  size = 0;
  /**
   * The buckets each string value seen lately reaches, exact and by affix, kept only while the field
   * has affixes: a lookup by affix slices the value at each length and hashes the slice, a fresh string
   * every time (three affix lookups were a fifth of a match at 1,000 patterns), while the value's own
   * hash is kept in the string after its first lookup. Emptied on any change to the field's routes, and
   * when full, so values that never repeat cost a lookup and an insertion more, and bounded memory.
   */
  private readonly reachedByString = new Map<string, readonly (readonly X[])[]>();
  /** String lookups in the current window, and how many found their value remembered. */
  private window = 0;
  private hits = 0;
  /** Windows left in which nothing is remembered (see `review`). */
  private pausedFor = 0;

  constructor(readonly path: readonly string[]) {}

  add(target: X, field: FieldCondition): void {
    this.reachedByString.clear();
    this.size++;
    for (const value of field.strings) bucket(this.exact, value).push(target);
    this.prefixes.add(field.prefixes, target);
    this.suffixes.add(field.suffixes, target);
    if (field.routing === 'numbers') this.ranges.add(field.ranges, target);
  }

  remove(target: X, field: FieldCondition): void {
    this.reachedByString.clear();
    this.size--;
    for (const value of field.strings) unbucket(this.exact, value, target);
    this.prefixes.remove(field.prefixes, target);
    this.suffixes.remove(field.suffixes, target);
    this.ranges.remove(target);
  }

  /** Adds the buckets reached by any value found at this path of the event, through arrays too. */
  collect(event: Record<string, unknown>, into: Gathered<readonly X[]>): void {
    const value = valueAt(event, this.path);
    if (value === THROUGH_ARRAY) this.collectAt(event, 0, into);
    else this.collectLeaf(value, into);
  }

  private collectAt(value: unknown, depth: number, into: Gathered<readonly X[]>): void {
    if (Array.isArray(value)) {
      for (const element of value) this.collectAt(element, depth, into);
      return;
    }
    if (depth < this.path.length) {
      const key = this.path[depth]!;
      if (isPlainObject(value) && Object.hasOwn(value, key)) this.collectAt(value[key], depth + 1, into);
      return;
    }
    this.collectLeaf(value, into);
  }

  private collectLeaf(value: unknown, into: Gathered<readonly X[]>): void {
    if (typeof value === 'string') {
      if (this.prefixes.empty && this.suffixes.empty) {
        const exact = this.exact.get(value);
        if (exact) into.add(exact);
        return;
      }
      this.collectString(value, into);
    } else if (typeof value === 'number') {
      if (isComparable(value)) this.ranges.collect(fixedPoint(value), into);
    } else if (Array.isArray(value)) {
      for (const element of value) this.collectLeaf(element, into);
    }
  }

  /** Adds the buckets a string value reaches, remembered (see `reachedByString`) unless paused. */
  private collectString(value: string, into: Gathered<readonly X[]>): void {
    if (++this.window === REVIEW_WINDOW) this.review();
    if (this.pausedFor > 0) {
      this.lookUp(value, into);
      return;
    }
    let reached = this.reachedByString.get(value);
    if (reached !== undefined) this.hits++;
    else reached = this.remember(value);
    for (let i = 0; i < reached.length; i++) into.add(reached[i]!);
  }

  private remember(value: string): readonly (readonly X[])[] {
    const found = new Gathered<readonly X[]>();
    this.lookUp(value, found);
    const reached = found.items;
    if (value.length > REMEMBERED_LENGTH) return reached;
    if (this.reachedByString.size >= REMEMBERED_STRINGS) this.reachedByString.clear();
    this.reachedByString.set(value, reached);
    return reached;
  }

  private lookUp(value: string, into: Gathered<readonly X[]>): void {
    const exact = this.exact.get(value);
    if (exact) into.add(exact);
    this.prefixes.collect(value, into);
    this.suffixes.collect(value, into);
  }

  /**
   * Values that seldom repeat here (ids, paths) make remembering a lookup and an insertion more per
   * value, 12–30% more per event at 1,000 patterns when none repeats: a window in which fewer than a
   * quarter were found remembered pauses it (a working set of values met for the first time still
   * finds more), and it is tried again after the pause with what it held, in case they now repeat.
   */
  private review(): void {
    if (this.pausedFor > 0) this.pausedFor--;
    else if (this.hits * 4 < REVIEW_WINDOW) this.pausedFor = PAUSED_WINDOWS;
    this.window = 0;
    this.hits = 0;
  }
}

/**
 * Bounds of what a field remembers (see `FieldRoutes.reachedByString`), which holds on to the events'
 * strings: routed values are names and identifiers, far shorter than this.
 */
const REMEMBERED_STRINGS = 1024;
const REMEMBERED_LENGTH = 256;
/** String lookups a field's hit rate is judged over, and windows a low one pauses remembering for. */
const REVIEW_WINDOW = 1024;
const PAUSED_WINDOWS = 63;

/** Buckets are arrays, not sets: an event walks several on every match, and removals are rare. */
function bucket<X>(map: Map<string, X[]>, key: string): X[] {
  let targets = map.get(key);
  if (!targets) {
    targets = [];
    map.set(key, targets);
  }
  return targets;
}

/** Takes out one occurrence: a target is added once per time its condition names the key. */
function unbucket<X>(map: Map<string, X[]>, key: string, target: X): void {
  const targets = map.get(key);
  if (!targets) return;
  const at = targets.indexOf(target);
  if (at >= 0) targets.splice(at, 1);
  if (targets.length === 0) map.delete(key);
}

/**
 * Every field a pattern requires that the index can route on: routable fields of the root and of
 * nested objects reached without `$or` (a `$or` branch is not required, so it cannot route).
 */
function routesOf(node: PatternNode, path: readonly string[] = []): Route[] {
  const here = node.fields
    .filter((field) => field.routing !== undefined)
    .map((field) => {
      const fieldPath = [...path, field.key];
      return { key: fieldPath.join('\u0000'), path: fieldPath, field };
    });
  return [...here, ...node.children.flatMap((child) => routesOf(child.node, [...path, child.key]))];
}

/**
 * The part of a pattern an event reaching the pattern's node may still fail, or `undefined` when
 * reaching it is matching it. The root's own fields decided by their routes are settled on the way:
 * an event takes such a branch exactly when a leaf at the field is accepted, arrays flattened, as the
 * full check reads it. Nested fields stay in, routed or not: the full check holds an array's elements
 * to all of a nested object's fields at once, which routing does not.
 */
function uncheckedPart(root: PatternNode, routes: readonly Route[]): CompiledPattern | undefined {
  const settled = new Set(routes.filter(({ field }) => field.decidedByRoutes).map(({ field }) => field));
  const fields = root.fields.filter((field) => !settled.has(field));
  if (fields.length === 0 && root.children.length === 0 && root.anyOf.length === 0) return undefined;
  return { root: { ...root, fields } };
}

/**
 * The one order every pattern's routes are taken in, so patterns that share fields share branches:
 * top-level fields first (the shortest read of an event), then nested ones, each by name.
 */
const byRouteOrder = (a: Route, b: Route): number =>
  a.path.length - b.path.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Up to this many results are put in order by insertion (see `insertBySequence`). */
const FEW = 16;

/**
 * Puts a few entries in insertion order in place: an event matches a handful of patterns, and
 * `sort` with a comparator made per call cost more than the ordering (6% of a match in a profile).
 */
function insertBySequence<T>(entries: Entry<T>[]): void {
  for (let i = 1; i < entries.length; i++) {
    const entry = entries[i]!;
    let j = i - 1;
    for (; j >= 0 && entries[j]!.sequence > entry.sequence; j--) entries[j + 1] = entries[j]!;
    entries[j + 1] = entry;
  }
}

/**
 * Many patterns matched against one event, as a tree over their routable required fields taken in
 * one fixed order (event-ruler's idea): a pattern hangs where its last such field's branch leads,
 * and an event walks down only the branches its values satisfy. So matching runs only on the patterns
 * whose every routable field the event satisfies, plus those with none (with the bench's mix, 1.67
 * candidates for 1.66 matches per event; routing each pattern on one field drew 7.7), and checks
 * only what their routes left open (`uncheckedPart`).
 */
export class PatternIndex<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly root = new IndexNode<T>();
  private readonly compare: ((a: T, b: T) => number) | undefined;
  private sequence = 0;
  private matchCount = 0;
  private readonly reached = new Gathered<IndexNode<T>>();
  private readonly buckets = new Gathered<readonly IndexNode<T>[]>();

  constructor(options: PatternIndexOptions<T> = {}) {
    this.compare = options.compare;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Adds or replaces the pattern under `id`; throws a Validation error for an invalid pattern. */
  add(id: string, pattern: EventPattern, value: T): void {
    const compiled = compilePattern(pattern);
    this.remove(id);
    const routes = routesOf(compiled.root).sort(byRouteOrder);
    const trail: Step<T>[] = [];
    let node = this.root;
    for (const route of routes) {
      const key = branchKey(route);
      let child = node.branches.get(key);
      if (!child) {
        child = new IndexNode<T>(route);
        node.branches.set(key, child);
        let field = node.fields.get(route.key);
        if (!field) {
          field = new FieldRoutes(route.path);
          node.fields.set(route.key, field);
          node.fieldList = [...node.fields.values()];
        }
        field.add(child, route.field);
      }
      child.patterns++;
      trail.push({ parent: node, key, child });
      node = child;
    }
    const rest = uncheckedPart(compiled.root, routes);
    const restFields = rest && fieldsAlongPaths(rest);
    const entry: Entry<T> = { id, compiled, rest, restFields, value, sequence: this.sequence++, trail };
    node.ended.push(entry);
    this.entries.set(id, entry);
  }

  remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    const end = entry.trail.at(-1)?.child ?? this.root;
    end.ended.splice(end.ended.indexOf(entry), 1);
    // From the pattern's end up: a branch no pattern uses any more leaves its parent.
    for (let i = entry.trail.length - 1; i >= 0; i--) {
      const { parent, key, child } = entry.trail[i]!;
      if (--child.patterns > 0) continue;
      const route = child.route!;
      parent.branches.delete(key);
      const field = parent.fields.get(route.key)!;
      field.remove(child, route.field);
      if (field.size === 0) {
        parent.fields.delete(route.key);
        parent.fieldList = [...parent.fields.values()];
      }
    }
  }

  /** Values of every pattern the event matches, in insertion order or the order given to the constructor. */
  match(event: unknown): T[] {
    const matched: Entry<T>[] = [];
    if (isPlainObject(event)) {
      const visit = ++this.matchCount;
      // Nodes reached so far, walked in one loop with the branch buckets gathered per node: a
      // callback made on every call costs more than the walk itself under tsx, which names every
      // function it makes. The lists are the index's own, reused: nothing between here and the end
      // of the walk can call `match` again.
      const reached = this.reached;
      const buckets = this.buckets;
      reached.count = 0;
      buckets.count = 0;
      reached.add(this.root);
      for (let i = 0; i < reached.count; i++) {
        const node = reached.items[i]!;
        const ended = node.ended;
        for (let e = 0; e < ended.length; e++) {
          const entry = ended[e]!;
          const rest = entry.rest;
          if (
            rest === undefined ||
            (entry.restFields ? holdsAlongPaths(entry.restFields, rest, event) : matches(rest, event))
          )
            matched.push(entry);
        }
        const fields = node.fieldList;
        const first = buckets.count;
        for (let f = 0; f < fields.length; f++) fields[f]!.collect(event, buckets);
        for (let b = first; b < buckets.count; b++) {
          const bucket = buckets.items[b]!;
          for (let c = 0; c < bucket.length; c++) {
            const child = bucket[c]!;
            if (child.visited === visit) continue;
            child.visited = visit;
            reached.add(child);
          }
        }
      }
    } else {
      // Routing reads an object's fields; any other event shape is matched against everything.
      for (const entry of this.entries.values()) if (matches(entry.compiled, event)) matched.push(entry);
    }
    if (matched.length > 1) {
      const compare = this.compare;
      if (compare) matched.sort((a, b) => compare(a.value, b.value) || a.sequence - b.sequence);
      else if (matched.length <= FEW) insertBySequence(matched);
      else matched.sort((a, b) => a.sequence - b.sequence);
    }
    return matched.map((entry) => entry.value);
  }
}
