/** What stands in for a secret value wherever one would have appeared. */
export const REDACTED = '********';

/** Values shorter than this are not treated as secrets to scrub: they would blank ordinary text. */
const MIN_SECRET_LENGTH = 4;

/** A function that replaces every occurrence of the given secret values, deeply, in any JSON value. */
export function createRedactor(secrets: readonly string[]): <T>(value: T) => T {
  const needles = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH))].sort(
    (a, b) => b.length - a.length,
  );
  if (needles.length === 0) return (value) => value;
  const scrub = (text: string): string =>
    needles.reduce((out, needle) => out.replaceAll(needle, REDACTED), text);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrub(k), walk(v)]));
    }
    return value;
  };
  return <T>(value: T) => walk(value) as T;
}
