import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what the last full collection kept, in percent.
 * By default it grows up to fourfold, and a serving platform promotes a steady stream of data that
 * dies there: every completed event stays in the event log's memory for about a second under load
 * before it is evicted, long enough to survive the young generation. The old space then swung
 * between ~45 and ~180 MB before each mark-compact, and the process's resident memory at the end
 * of the bench's load between 205 and 306 MB; at 50% it stayed at 194–202 MB at the same CPU per
 * request (bench/README.md, Resident memory).
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Sets the heap policy of a process that serves the platform (`plugboard start`, `plugboard dev`
 * and the bench's server). V8's flags are the process's, worker threads included, so only a process
 * entry calls this, never the platform as a library.
 */
export function applyServingHeapPolicy(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
