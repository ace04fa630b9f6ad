import { compilePattern } from './compile';
import { isPlainObject } from './json';
import { matches } from './match';
import { fixedPoint, isComparable } from './numbers';
import type { CompiledPattern, EventPattern, FieldCondition, PatternNode } from './types';

export interface PatternIndexOptions<T> {
  /** Order of `match` results; ties, and every result without it, keep insertion order. @default insertion order */
  readonly compare?: (a: T, b: T) => number;
}

/** Where a pattern is routed: one required field (top-level or nested) of exact strings, prefixes or suffixes. */
interface Route {
  /** The field's path joined with NUL, e.g. `detail\u0000state`. */
  readonly key: string;
  readonly path: readonly string[];
  readonly field: FieldCondition;
}

interface Entry<T> {
  readonly id: string;
  readonly compiled: CompiledPattern;
  readonly value: T;
  readonly sequence: number;
  readonly route: Route | undefined;
  /** Number of the last `match` call that looked at this entry: dedupes candidates without a set. */
  visited: number;
}

/** Entries routed on strings a value starts (or ends) with, by that string. */
class AffixRoutes<T> {
  private readonly byAffix = new Map<string, Set<Entry<T>>>();
  /** Distinct affix lengths with how many affixes have each, so lookups try only those. */
  private readonly lengths = new Map<number, number>();

  constructor(private readonly cut: (value: string, length: number) => string) {}

  load(affixes: readonly string[]): number {
    let load = 0;
    for (const affix of affixes) load += this.byAffix.get(affix)?.size ?? 0;
    return load;
  }

  add(affixes: readonly string[], entry: Entry<T>): void {
    for (const affix of affixes) {
      bucket(this.byAffix, affix).add(entry);
      this.lengths.set(affix.length, (this.lengths.get(affix.length) ?? 0) + 1);
    }
  }

  remove(affixes: readonly string[], entry: Entry<T>): void {
    for (const affix of affixes) {
      unbucket(this.byAffix, affix, entry);
      const left = (this.lengths.get(affix.length) ?? 1) - 1;
      if (left === 0) this.lengths.delete(affix.length);
      else this.lengths.set(affix.length, left);
    }
  }

  collect(value: string, into: Iterable<Entry<T>>[]): void {
    for (const length of this.lengths.keys()) {
      if (length > value.length) continue;
      const routed = this.byAffix.get(this.cut(value, length));
      if (routed) into.push(routed);
    }
  }
}

/**
 * Entries routed on numeric intervals. A lookup finds the intervals holding a value: sorted by low
 * bound, with the highest high bound so far beside each, it walks back from the last low bound at
 * or below the value and stops where no earlier interval reaches that far. Rebuilt on the first
 * lookup after a change, since subscriptions change far less often than events arrive.
 */
class RangeRoutes<T> {
  private readonly byEntry = new Map<Entry<T>, readonly (readonly [number, number])[]>();
  private sorted: { low: number; high: number; entry: Entry<T> }[] | undefined;
  private reach: number[] = [];

  load(ranges: readonly (readonly [number, number])[]): number {
    let load = 0;
    for (const intervals of this.byEntry.values())
      if (intervals.some(([low, high]) => ranges.some(([l, h]) => low <= h && l <= high))) load++;
    return load;
  }

  add(ranges: readonly (readonly [number, number])[], entry: Entry<T>): void {
    if (ranges.length === 0) return;
    this.byEntry.set(entry, ranges);
    this.sorted = undefined;
  }

  remove(entry: Entry<T>): void {
    if (this.byEntry.delete(entry)) this.sorted = undefined;
  }

  collect(value: number, into: Iterable<Entry<T>>[]): void {
    const sorted = this.index();
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid]!.low <= value) lo = mid + 1;
      else hi = mid;
    }
    const found: Entry<T>[] = [];
    for (let i = lo - 1; i >= 0 && this.reach[i]! >= value; i--) {
      if (sorted[i]!.high >= value) found.push(sorted[i]!.entry);
    }
    if (found.length > 0) into.push(found);
  }

  private index(): { low: number; high: number; entry: Entry<T> }[] {
    if (this.sorted) return this.sorted;
    const sorted = [...this.byEntry].flatMap(([entry, ranges]) =>
      ranges.map(([low, high]) => ({ low, high, entry })),
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

/** Entries routed on one field path, by exact value, by prefix, by suffix and by numeric interval. */
class FieldRoutes<T> {
  readonly exact = new Map<string, Set<Entry<T>>>();
  readonly prefixes = new AffixRoutes<T>((value, length) => value.slice(0, length));
  readonly suffixes = new AffixRoutes<T>((value, length) => value.slice(value.length - length));
  readonly ranges = new RangeRoutes<T>();
  entries = 0;

  constructor(readonly path: readonly string[]) {}

  /** How many entries an event with one of the field's values would make candidates. */
  load(field: FieldCondition): number {
    let load = 0;
    for (const value of field.strings) load += this.exact.get(value)?.size ?? 0;
    return (
      load +
      this.prefixes.load(field.prefixes) +
      this.suffixes.load(field.suffixes) +
      (field.routing === 'numbers' ? this.ranges.load(field.ranges) : 0)
    );
  }

  add(entry: Entry<T>, field: FieldCondition): void {
    this.entries++;
    for (const value of field.strings) bucket(this.exact, value).add(entry);
    this.prefixes.add(field.prefixes, entry);
    this.suffixes.add(field.suffixes, entry);
    if (field.routing === 'numbers') this.ranges.add(field.ranges, entry);
  }

  remove(entry: Entry<T>, field: FieldCondition): void {
    this.entries--;
    for (const value of field.strings) unbucket(this.exact, value, entry);
    this.prefixes.remove(field.prefixes, entry);
    this.suffixes.remove(field.suffixes, entry);
    this.ranges.remove(entry);
  }

  /** Adds the buckets routed on any value found at this path of the event, through arrays too. */
  collect(value: unknown, depth: number, into: Iterable<Entry<T>>[]): void {
    if (Array.isArray(value)) {
      for (const element of value) this.collect(element, depth, into);
      return;
    }
    if (depth < this.path.length) {
      const key = this.path[depth]!;
      if (isPlainObject(value) && Object.hasOwn(value, key)) this.collect(value[key], depth + 1, into);
      return;
    }
    if (typeof value === 'number') {
      if (isComparable(value)) this.ranges.collect(fixedPoint(value), into);
      return;
    }
    if (typeof value !== 'string') return;
    const exact = this.exact.get(value);
    if (exact) into.push(exact);
    this.prefixes.collect(value, into);
    this.suffixes.collect(value, into);
  }
}

function bucket<T>(map: Map<string, Set<Entry<T>>>, key: string): Set<Entry<T>> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}

function unbucket<T>(map: Map<string, Set<Entry<T>>>, key: string, entry: Entry<T>): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(entry);
  if (set.size === 0) map.delete(key);
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
 * Many patterns matched against one event: routing on exact values, prefixes or suffixes (wildcards'
 * literal ends included) of required fields means full matching runs only on the few patterns that
 * can match, plus those that cannot be routed.
 */
export class PatternIndex<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly routes = new Map<string, FieldRoutes<T>>();
  private readonly unrouted = new Set<Entry<T>>();
  private readonly compare: ((a: T, b: T) => number) | undefined;
  private sequence = 0;
  private matchCount = 0;

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
    const route = this.leastLoaded(routesOf(compiled.root));
    const entry: Entry<T> = { id, compiled, value, sequence: this.sequence++, route, visited: 0 };
    this.entries.set(id, entry);
    if (!route) {
      this.unrouted.add(entry);
      return;
    }
    let routes = this.routes.get(route.key);
    if (!routes) {
      routes = new FieldRoutes(route.path);
      this.routes.set(route.key, routes);
    }
    routes.add(entry, route.field);
  }

  /**
   * The route that adds the pattern to the smallest buckets, so an event draws as few candidates as
   * possible: a crowded `detail-type` loses to a rarer `source` or a nested field. Exact values beat
   * affixes and numeric intervals, and top-level fields beat nested ones, on a tie.
   */
  private leastLoaded(routes: Route[]): Route | undefined {
    const cost = (route: Route) =>
      (this.routes.get(route.key)?.load(route.field) ?? 0) * 4 +
      (route.field.prefixes.length + route.field.suffixes.length > 0 || route.field.routing === 'numbers'
        ? 2
        : 0) +
      (route.path.length > 1 ? 1 : 0);
    let best: Route | undefined;
    let bestCost = Number.POSITIVE_INFINITY;
    for (const route of routes) {
      const c = cost(route);
      if (c < bestCost) {
        best = route;
        bestCost = c;
      }
    }
    return best;
  }

  remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    if (!entry.route) {
      this.unrouted.delete(entry);
      return;
    }
    const routes = this.routes.get(entry.route.key);
    if (!routes) return;
    routes.remove(entry, entry.route.field);
    if (routes.entries === 0) this.routes.delete(entry.route.key);
  }

  /** Values of every pattern the event matches, in insertion order or the order given to the constructor. */
  match(event: unknown): T[] {
    // The candidate buckets are gathered, then walked in one loop: a callback made on every call
    // costs more than the walk itself under tsx, which names every function it makes.
    const buckets: Iterable<Entry<T>>[] = [];
    if (isPlainObject(event)) {
      buckets.push(this.unrouted);
      for (const routes of this.routes.values()) routes.collect(event, 0, buckets);
    } else {
      // Routing reads top-level fields; any other event shape is matched against everything.
      buckets.push(this.entries.values());
    }
    const visit = ++this.matchCount;
    const matched: Entry<T>[] = [];
    for (const bucket of buckets) {
      for (const entry of bucket) {
        if (entry.visited === visit) continue;
        entry.visited = visit;
        if (matches(entry.compiled, event)) matched.push(entry);
      }
    }
    if (matched.length > 1) {
      const compare = this.compare;
      matched.sort(
        compare
          ? (a, b) => compare(a.value, b.value) || a.sequence - b.sequence
          : (a, b) => a.sequence - b.sequence,
      );
    }
    return matched.map((entry) => entry.value);
  }
}
