/**
 * `{ ...a, ...b }` for records of JSON data on a per-call path: V8 (Node 20) makes an object built by
 * a spread slow to add to, over a microsecond for a second spread or a key after the first, where
 * this loop into a fresh object costs a fifth of that (bench/README.md, "Where the time goes"). Own
 * enumerable keys, later records winning; a `__proto__` key stays an own key, as a spread keeps it.
 */
export function mergeRecords(
  ...records: readonly (Readonly<Record<string, unknown>> | undefined)[]
): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const record of records) {
    if (!record) continue;
    for (const key of Object.keys(record)) {
      if (key === '__proto__')
        Object.defineProperty(merged, key, {
          value: record[key],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else merged[key] = record[key];
    }
  }
  return merged;
}
