/**
 * A bounded map of in-flight or settled reads that expire after `ttlMs`: callers asking for a key
 * share one read. A miss and a failure are never kept, and the oldest entry goes first when full.
 */
export class ReadCache<T> {
  private readonly entries = new Map<string, { value: Promise<T | undefined>; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  read(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > this.now()) return hit.value;
    const value = load().then(
      (result) => {
        // A miss is not kept: what is created elsewhere must be found on the next call.
        if (result === undefined) this.forgetIfSame(key, value);
        return deepFreeze(result);
      },
      (error: unknown) => {
        this.forgetIfSame(key, value);
        throw error;
      },
    );
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }

  /** A read in flight when this is called never lands in the cache afterwards: its entry is gone. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  private forgetIfSame(key: string, value: Promise<T | undefined>): void {
    if (this.entries.get(key)?.value === value) this.entries.delete(key);
  }
}

/**
 * Cached records are shared by every caller, so they are frozen: one caller can never change what
 * another reads. Freezing once per load is far cheaper than copying on every read, which on Node 20
 * (structuredClone through a MessageChannel) cost a tenth of the invoke path.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
