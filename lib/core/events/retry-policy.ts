import { setTimeout as wait } from 'node:timers/promises';

/** How often and how patiently a delivery is retried before it goes to the dead-letter store. */
export interface RetryPolicy {
  /** Attempts in all, the first included. @default 3 */
  readonly attempts?: number;
  /** Wait before the second attempt; doubled for each one after. @default 1000 */
  readonly baseDelayMs?: number;
  /** Longest wait between two attempts. @default 60000 */
  readonly maxDelayMs?: number;
}

export const DEFAULT_RETRY = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 60_000 } as const;

/** Exponential backoff: base, 2×base, 4×base, … capped. */
export function backoffMs(policy: RetryPolicy, failedAttempt: number): number {
  const base = policy.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const max = policy.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  return Math.min(max, base * 2 ** (failedAttempt - 1));
}

/** Waits, or rejects as soon as the signal aborts (the bus is stopping). */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** Backoff on Node timers; an abort (the bus stopping) ends the wait at once. */
export const timerSleep: Sleep = (ms, signal) => wait(ms, undefined, { signal });
