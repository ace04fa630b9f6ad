import { inCidr, parseCidr } from './ip';
import { isPlainObject, pointerTo } from './json';
import { fixedPoint, isComparable, NUMERIC_LIMIT } from './numbers';
import type { PatternProblem, Scalar, ValueTest } from './types';
import { matchWildcard, parseWildcard } from './wildcard';

/**
 * One `{ "<operator>": ... }` entry of a field's value array, parsed the way event-ruler's
 * JsonRuleCompiler does; problems are reported with its wording where it has one.
 */
export type Operator =
  | { readonly kind: 'exists'; readonly present: boolean }
  | {
      readonly kind: 'test';
      readonly test: ValueTest;
      readonly route?: Affix;
      /** The route accepts exactly the strings the test does (a plain prefix or suffix), not only more. */
      readonly routeDecides?: boolean;
    };

/**
 * What the index can route on: a string every value the operator accepts starts or ends with, or
 * the fixed-point interval (bounds included, open ends infinite) every number it accepts lies in.
 */
export type Affix =
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly range: readonly [number, number] };

type Report = (pointer: string, detail: string) => undefined;

/**
 * `equals-ignore-case` text as event-ruler's EqualsIgnoreCaseParser reads it: each UTF-16 unit
 * matches its own `toLowerCase(Locale.ROOT)` or `toUpperCase(Locale.ROOT)` form and nothing else (so
 * "ß" takes "ß" or "SS", the Kelvin sign "k" or itself but not "K"), compared with the value's bytes
 * as they are. The parser takes the units one by one, and Java's String.getBytes writes a lone
 * surrogate as "?": a character beyond the BMP matches only "??".
 */
function ignoringCase(text: string, anchor: 'whole' | 'prefix' | 'suffix'): ValueTest {
  let source = '';
  for (let i = 0; i < text.length; i++) {
    const unit = text[i]!;
    const code = unit.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdfff) {
      source += '\\?';
      continue;
    }
    const forms = [...new Set([unit.toLowerCase(), unit.toUpperCase()])].map(escapeRegExp);
    source += forms.length === 1 ? forms[0] : `(?:${forms.join('|')})`;
  }
  const expression = new RegExp(
    anchor === 'whole' ? `^${source}$` : anchor === 'prefix' ? `^${source}` : `${source}$`,
  );
  return (v) => isString(v) && expression.test(v);
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isString = (value: Scalar): value is string => typeof value === 'string';

export function parseOperator(
  expression: Record<string, unknown>,
  at: string,
  problems: PatternProblem[],
): Operator | undefined {
  const report: Report = (pointer, detail) => {
    problems.push({ pointer, detail });
    return undefined;
  };
  const entry = soleEntry(expression, at, 'Match', report);
  if (!entry) return undefined;
  const { name, arg, at: argAt } = entry;
  switch (name) {
    case 'prefix':
      return affix(arg, argAt, 'prefix', report);
    case 'suffix':
      return affix(arg, argAt, 'suffix', report);
    case 'equals-ignore-case': {
      if (typeof arg !== 'string') return report(argAt, 'equals-ignore-case match pattern must be a string');
      return { kind: 'test', test: ignoringCase(arg, 'whole') };
    }
    case 'wildcard': {
      const test = wildcardTest(arg, argAt, report);
      return test && { kind: 'test', test, route: wildcardRoute(arg as string) };
    }
    case 'anything-but':
      return anythingBut(arg, argAt, report);
    case 'numeric':
      return numeric(arg, argAt, report);
    case 'exists':
      if (typeof arg !== 'boolean')
        return report(argAt, 'exists match pattern must be either true or false.');
      return { kind: 'exists', present: arg };
    case 'cidr': {
      if (typeof arg !== 'string') return report(argAt, 'cidr match pattern must be a string');
      const parsed = parseCidr(arg);
      if (!parsed.ok) return report(argAt, parsed.detail);
      return { kind: 'test', test: (v) => isString(v) && inCidr(parsed.cidr, v) };
    }
    default:
      return report(argAt, `Unrecognized match type ${name}`);
  }
}

/**
 * The one `"<name>": <arg>` entry an expression object holds, and where its argument is; `what`
 * names the expression in event-ruler's problem for an object without one.
 */
function soleEntry(
  expression: Record<string, unknown>,
  at: string,
  what: 'Match' | 'Anything-But',
  report: Report,
): { name: string; arg: unknown; at: string } | undefined {
  const [name, ...others] = Object.keys(expression);
  if (name === undefined) return report(at, `${what} expression name not found`);
  if (others.length > 0) return report(at, 'Only one key allowed in match expression');
  return { name, arg: expression[name], at: pointerTo(at, name) };
}

/** `prefix` / `suffix`, plain or with `{ "equals-ignore-case": "..." }`. */
function affix(arg: unknown, at: string, which: 'prefix' | 'suffix', report: Report): Operator | undefined {
  const plain = which === 'prefix';
  if (isPlainObject(arg)) {
    const names = Object.keys(arg);
    if (names.length !== 1) return report(at, 'Only one key allowed in match expression');
    if (names[0] !== 'equals-ignore-case') return report(at, `Unsupported ${which} pattern: ${names[0]}`);
    const text = arg['equals-ignore-case'];
    const textAt = pointerTo(at, 'equals-ignore-case');
    if (typeof text !== 'string') return report(textAt, 'equals-ignore-case match pattern must be a string');
    return { kind: 'test', test: ignoringCase(text, which) };
  }
  if (typeof arg !== 'string') return report(at, `${which} match pattern must be a string`);
  if (plain)
    return {
      kind: 'test',
      test: (v) => isString(v) && v.startsWith(arg),
      route: { prefix: arg },
      routeDecides: true,
    };
  return {
    kind: 'test',
    test: (v) => isString(v) && v.endsWith(arg),
    route: { suffix: arg },
    routeDecides: true,
  };
}

/**
 * A wildcard's literal end: the text after its last `*` (the whole value when it has none), else the
 * text before its first. `*` alone, or stars at both ends, gives nothing to route on.
 */
function wildcardRoute(text: string): Affix | undefined {
  const parsed = parseWildcard(text);
  if (!parsed.ok) return undefined;
  const { segments } = parsed;
  const last = segments[segments.length - 1]!;
  if (last !== '' || segments.length === 1) return { suffix: last };
  const first = segments[0]!;
  return first === '' ? undefined : { prefix: first };
}

function wildcardTest(arg: unknown, at: string, report: Report): ValueTest | undefined {
  if (typeof arg !== 'string') return report(at, 'wildcard match pattern must be a string');
  const parsed = parseWildcard(arg);
  if (!parsed.ok) return report(at, parsed.detail);
  const { segments } = parsed;
  return (v) => isString(v) && matchWildcard(segments, v);
}

/** A value that is not a number EventBridge can compare is a problem in any numeric position. */
function comparableNumber(value: unknown, at: string, what: string, report: Report): number | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value))
    return report(at, `Value of ${what} must be numeric`);
  if (!isComparable(value)) {
    return report(
      at,
      `Value must be between -${NUMERIC_LIMIT.toExponential(1)} and ${NUMERIC_LIMIT.toExponential(1)}, inclusive`,
    );
  }
  return value;
}

/**
 * `anything-but`: a string, a number, a list of only strings or only numbers, or an object applying it
 * to `prefix`, `suffix`, `equals-ignore-case` or `wildcard` (one value or a list). It holds for a
 * present leaf that the excluded values do not match, whatever that leaf's type.
 */
function anythingBut(arg: unknown, at: string, report: Report): Operator | undefined {
  if (isPlainObject(arg)) return anythingButOf(arg, at, report);
  const values = Array.isArray(arg) ? arg : [arg];
  if (values.length === 0) return report(at, 'Empty arrays are not allowed');
  const strings = new Set<string>();
  const numbers = new Set<number>();
  for (const [i, value] of values.entries()) {
    const valueAt = Array.isArray(arg) ? pointerTo(at, i) : at;
    if (typeof value === 'string') strings.add(value);
    else if (typeof value === 'number') {
      const n = comparableNumber(value, valueAt, 'anything-but', report);
      if (n === undefined) return undefined;
      numbers.add(fixedPoint(n));
    } else return report(valueAt, 'Value of anything-but must be an array or single string/number value.');
  }
  if (strings.size > 0 && numbers.size > 0) {
    return report(
      at,
      'Inside anything but list, either all values are number or string, mixed type is not supported',
    );
  }
  return {
    kind: 'test',
    test: (v) =>
      !(
        (typeof v === 'string' && strings.has(v)) ||
        (typeof v === 'number' && isComparable(v) && numbers.has(fixedPoint(v)))
      ),
  };
}

function anythingButOf(arg: Record<string, unknown>, at: string, report: Report): Operator | undefined {
  const entry = soleEntry(arg, at, 'Anything-But', report);
  if (!entry) return undefined;
  const { name, arg: inner, at: innerAt } = entry;
  const texts = Array.isArray(inner) ? inner : [inner];
  if (texts.length === 0) return report(innerAt, 'Empty arrays are not allowed');
  const tests: ValueTest[] = [];
  for (const [i, text] of texts.entries()) {
    const textAt = Array.isArray(inner) ? pointerTo(innerAt, i) : innerAt;
    if (typeof text !== 'string')
      return report(textAt, `anything-but ${name} match pattern must be a string`);
    switch (name) {
      case 'prefix':
      case 'suffix': {
        if (text === '') return report(textAt, 'Null prefix/suffix not allowed');
        tests.push(
          name === 'prefix'
            ? (v) => isString(v) && v.startsWith(text)
            : (v) => isString(v) && v.endsWith(text),
        );
        break;
      }
      case 'equals-ignore-case':
        tests.push(ignoringCase(text, 'whole'));
        break;
      case 'wildcard': {
        const test = wildcardTest(text, textAt, report);
        if (!test) return undefined;
        tests.push(test);
        break;
      }
      default:
        return report(innerAt, `Unsupported anything-but pattern: ${name}`);
    }
  }
  return { kind: 'test', test: (v) => !tests.some((excluded) => excluded(v)) };
}

/** `numeric`: `["=", n]`, `[op, n]` or `[">"|">=", low, "<"|"<=", high]` with low < high. */
function numeric(arg: unknown, at: string, report: Report): Operator | undefined {
  if (!Array.isArray(arg)) return report(at, 'Value of numeric must be an array.');
  const [op, first, op2, second, ...rest] = arg;
  if (typeof op !== 'string')
    return report(pointerTo(at, 0), `Invalid member in numeric match: ${JSON.stringify(op)}`);
  if (!['=', '<', '<=', '>', '>='].includes(op)) {
    return report(pointerTo(at, 0), `Unrecognized numeric range operator: ${op}`);
  }
  const low = comparableNumber(first, pointerTo(at, 1), op, report);
  if (low === undefined) return undefined;
  const lowKey = fixedPoint(low);
  const onlyOne = op === '=' || op === '<' || op === '<=';
  if (arg.length === 2) {
    const range: [number, number] =
      op === '='
        ? [lowKey, lowKey]
        : onlyOne
          ? [Number.NEGATIVE_INFINITY, lowKey]
          : [lowKey, Number.POSITIVE_INFINITY];
    return { kind: 'test', test: compare(op, lowKey), route: { range } };
  }
  if (onlyOne || rest.length > 0) return report(at, 'Too many elements in numeric expression');
  if (op2 !== '<' && op2 !== '<=') {
    return report(
      pointerTo(at, 2),
      `Bad numeric range operator: ${typeof op2 === 'string' ? op2 : JSON.stringify(op2)}`,
    );
  }
  const high = comparableNumber(second, pointerTo(at, 3), op2, report);
  if (high === undefined) return undefined;
  const highKey = fixedPoint(high);
  if (lowKey >= highKey) return report(at, 'Bottom must be less than top');
  const above = compare(op, lowKey);
  const below = compare(op2, highKey);
  return { kind: 'test', test: (v) => above(v) && below(v), route: { range: [lowKey, highKey] } };
}

function compare(op: string, bound: number): ValueTest {
  const of = (v: Scalar): number | undefined =>
    typeof v === 'number' && isComparable(v) ? fixedPoint(v) : undefined;
  switch (op) {
    case '=':
      return (v) => of(v) === bound;
    case '<':
      return (v) => (of(v) ?? Number.POSITIVE_INFINITY) < bound;
    case '<=':
      return (v) => (of(v) ?? Number.POSITIVE_INFINITY) <= bound;
    case '>':
      return (v) => (of(v) ?? Number.NEGATIVE_INFINITY) > bound;
    default:
      return (v) => (of(v) ?? Number.NEGATIVE_INFINITY) >= bound;
  }
}
