import { isPlainObject, pointerTo } from './json';
import { numberKey } from './numbers';
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
  let routable = true;
  let matchesAbsent = false;
  const before = problems.length;
  for (const [i, entry] of entries.entries()) {
    const entryAt = pointerTo(at, i);
    if (typeof entry === 'string') strings.add(entry);
    else if (typeof entry === 'number' && Number.isFinite(entry)) numbers.add(numberKey(entry));
    else if (entry === null || typeof entry === 'boolean') literals.add(entry);
    else if (isPlainObject(entry)) {
      const operator = parseOperator(entry, entryAt, problems);
      if (!operator) continue;
      if (operator.kind === 'exists') {
        if (operator.present) tests.push(alwaysPresent);
        else matchesAbsent = true;
      } else {
        tests.push(operator.test);
        if (operator.route && 'prefix' in operator.route) prefixes.push(operator.route.prefix);
        else if (operator.route) suffixes.push(operator.route.suffix);
      }
      if (operator.kind !== 'test' || !operator.route) routable = false;
    } else {
      problems.push({ pointer: entryAt, detail: 'Match value must be String, number, true, false, or null' });
    }
  }
  if (problems.length > before) return undefined;
  if (numbers.size > 0 || literals.size > 0 || matchesAbsent) routable = false;
  return { key, strings, numbers, literals, tests, prefixes, suffixes, routable, matchesAbsent };
}
