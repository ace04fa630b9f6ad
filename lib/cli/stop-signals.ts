export interface StopSignalOptions {
  /** Stops the platform, letting requests under way finish. */
  graceful(): Promise<void>;
  /** Stops at once. */
  immediate(): void;
  /** Signals this soon after the first are copies of it. @default 1000 */
  relayWindowMs?: number;
  /** @default Date.now */
  clock?: () => number;
}

/**
 * The SIGINT/SIGTERM handler of `plugboard start`: the first signal stops gracefully, one that comes
 * later than `relayWindowMs` after it stops at once. One Ctrl-C under `npm start` reaches the platform
 * two or three times within milliseconds (the terminal signals the whole process group, and npm, or
 * tsx under `plugboard start`, relays it), so those copies must not count as a second Ctrl-C.
 */
export function stopOnSignals(options: StopSignalOptions): () => void {
  const clock = options.clock ?? Date.now;
  const relayWindow = options.relayWindowMs ?? 1000;
  let first: number | undefined;
  return () => {
    const at = clock();
    if (first === undefined) {
      first = at;
      void options.graceful();
    } else if (at - first > relayWindow) {
      options.immediate();
    }
  };
}
