import { parseIp, sameIp } from './ip';
import { isPlainObject, pointerTo } from './json';
import { fixedPoint, isComparable, numberKey } from './numbers';
import { parseOperator } from './operators';
import type { FieldCondition, PatternProblem, ValueTest } from './types';

const alwaysPresent: ValueTest = () => true;

/** A field whose value in the pattern is an array: its entries are alternatives (OR). */
export function parseField(
  key: string,
  entries: readonly unknown[],
  at: string,
  problems: PatternProblem[],
): FieldCondition | undefined {
  if (entries.length === 0) {
    problems.push({ pointer: at, detail: 'Empty arrays are not allowed' });
    return undefined;
  }
  const strings = new Set<string>();
  const numbers = new Set<string>();
  const literals = new Set<boolean | null>();
  const tests: ValueTest[] = [];
  const prefixes: string[] = [];
  const suffixes: string[] = [];
  const ranges: (readonly [number, number])[] = [];
  let byStrings = true;
  let byNumbers = true;
  let decidedByRoutes = true;
  let matchesAbsent = false;
  const before = problems.length;
  for (const [i, entry] of entries.entries()) {
    const entryAt = pointerTo(at, i);
    if (typeof entry === 'string') {
      // JsonRuleCompiler.writeRules makes a string that is an IP address (CIDR.ipToRangeIfPossible) a
      // range of that one address, so any text of the address matches it and no other string does;
      // its spellings share no prefix or suffix to route on.
      const address = parseIp(entry);
      if (address) {
        tests.push((v) => typeof v === 'string' && sameIp(address, v));
        byStrings = false;
      } else strings.add(entry);
      byNumbers = false;
    } else if (typeof entry === 'number' && Number.isFinite(entry)) {
      numbers.add(numberKey(entry));
      byStrings = false;
      decidedByRoutes = false;
      // A number beyond EventBridge's comparable range still matches itself, but has no interval.
      if (isComparable(entry)) ranges.push([fixedPoint(entry), fixedPoint(entry)]);
      else byNumbers = false;
    } else if (entry === null || typeof entry === 'boolean') literals.add(entry);
    else if (isPlainObject(entry)) {
      const operator = parseOperator(entry, entryAt, problems);
      if (!operator) continue;
      const route = operator.kind === 'test' ? operator.route : undefined;
      if (operator.kind !== 'test' || !operator.routeDecides) decidedByRoutes = false;
      if (operator.kind === 'exists') {
        if (operator.present) tests.push(alwaysPresent);
        else matchesAbsent = true;
      } else {
        tests.push(operator.test);
        if (route && 'prefix' in route) prefixes.push(route.prefix);
        else if (route && 'suffix' in route) suffixes.push(route.suffix);
        else if (route) ranges.push(route.range);
      }
      if (!route || 'range' in route) byStrings = false;
      if (!route || !('range' in route)) byNumbers = false;
    } else {
      problems.push({ pointer: entryAt, detail: 'Match value must be String, number, true, false, or null' });
    }
  }
  if (problems.length > before) return undefined;
  const routing =
    literals.size > 0 || matchesAbsent
      ? undefined
      : byStrings
        ? 'strings'
        : byNumbers
          ? 'numbers'
          : undefined;
  return {
    key,
    strings,
    numbers,
    literals,
    tests,
    prefixes,
    suffixes,
    ranges,
    routing,
    decidedByRoutes: routing === 'strings' && decidedByRoutes,
    matchesAbsent,
  };
}
