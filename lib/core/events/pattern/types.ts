/** An EventBridge event pattern as parsed JSON: field names map to value arrays or nested patterns. */
export type EventPattern = Record<string, unknown>;

/** A JSON leaf value of an event, the only thing value matchers ever look at. */
export type Scalar = string | number | boolean | null;

export type ValueTest = (value: Scalar) => boolean;

/** One pattern field whose value is an array: the event's leaves there must satisfy any of its entries. */
export interface FieldCondition {
  readonly key: string;
  /** Exact string values; kept apart from `tests` so they cost one set lookup. */
  readonly strings: ReadonlySet<string>;
  /** Exact numbers by comparable key (see numbers.ts), so 300 and 300.0 are one value. */
  readonly numbers: ReadonlySet<string>;
  readonly literals: ReadonlySet<boolean | null>;
  readonly tests: readonly ValueTest[];
  /**
   * Strings every value an entry accepts starts with (a plain prefix, a wildcard's literal start), or
   * ends with (a plain suffix, a wildcard's literal end), for the index; the entries' own checks are
   * in `tests`.
   */
  readonly prefixes: readonly string[];
  readonly suffixes: readonly string[];
  /** Fixed-point intervals (bounds included) every number an entry accepts lies in, for the index. */
  readonly ranges: readonly (readonly [number, number])[];
  /**
   * How the index can route on the field: `strings` when every entry is an exact string or has a
   * prefix or suffix, `numbers` when every entry is a comparable number or a numeric range.
   */
  readonly routing: 'strings' | 'numbers' | undefined;
  /**
   * Every entry is an exact string or a plain prefix or suffix: the index's branch on the field
   * accepts exactly the strings the condition does, so a check after it would repeat it.
   */
  readonly decidedByRoutes: boolean;
  /** `{"exists": false}` is among the entries: a field with no leaf value satisfies the condition. */
  readonly matchesAbsent: boolean;
}

/** A pattern object: all fields, all nested objects and every `$or` group must hold (AND). */
export interface PatternNode {
  readonly fields: readonly FieldCondition[];
  readonly children: readonly { readonly key: string; readonly node: PatternNode }[];
  /** Each group is one `$or` array: at least one branch must hold, evaluated on the same object. */
  readonly anyOf: readonly (readonly PatternNode[])[];
  /** False when the node can hold on an object with none of its fields, i.e. only `exists: false`. */
  readonly needsPresence: boolean;
}

export interface CompiledPattern {
  readonly root: PatternNode;
}

export interface PatternProblem {
  /** RFC 6901 pointer into the pattern (or, from testEventPattern, into `{ pattern, event }`). */
  pointer: string;
  detail: string;
}
