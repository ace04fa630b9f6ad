import type { ParsedEntry } from './read-log';

export interface Bucket {
  start: string;
  end: string;
  count: number;
}

/**
 * Counts entries in `bucketCount` equal slices of [start, end). Without an explicit range the
 * histogram spans the matching entries, so an empty result has no buckets.
 */
export function histogram(
  entries: ParsedEntry[],
  bucketCount: number,
  start?: string,
  end?: string,
): Bucket[] {
  const times = entries.map((e) => e.time);
  if (times.length === 0 && (start === undefined || end === undefined)) return [];
  const from = start === undefined ? times.reduce((a, b) => Math.min(a, b)) : Date.parse(start);
  const to = end === undefined ? times.reduce((a, b) => Math.max(a, b)) + 1 : Date.parse(end);
  if (to <= from) return [];
  const span = to - from;
  const boundary = (i: number) => from + Math.round((i * span) / bucketCount);
  const counts = new Array<number>(bucketCount).fill(0);
  for (const time of times) {
    const i = Math.min(bucketCount - 1, Math.floor(((time - from) * bucketCount) / span));
    counts[i]! += 1;
  }
  return counts.map((count, i) => ({
    start: new Date(boundary(i)).toISOString(),
    end: new Date(boundary(i + 1)).toISOString(),
    count,
  }));
}
