/**
 * EventBridge compares numbers within ±5.0e9 with six digits to the right of the decimal point
 * (user guide, "Numeric matching"); event-ruler encodes them as fixed-point integers. Numbers outside
 * that range still match exact pattern values, but never `numeric` or numeric `anything-but`.
 */
export const NUMERIC_LIMIT = 5e9;

export function isComparable(n: number): boolean {
  return Number.isFinite(n) && n >= -NUMERIC_LIMIT && n <= NUMERIC_LIMIT;
}

/** Fixed-point value with six decimals; rounding (not truncation) keeps 0.3 and 0.1 + 0.2 equal. */
export function fixedPoint(n: number): number {
  return Math.round(n * 1e6);
}

/** Key under which an exact number is stored and looked up: equal values give equal keys. */
export function numberKey(n: number): string {
  return isComparable(n) ? `q${fixedPoint(n)}` : `r${n}`;
}
