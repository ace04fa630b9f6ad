/**
 * Runs tasks one at a time per key, and of those that come while one runs only the latest: three
 * saves during a plugin's checks run its checks once more, not three times, and their output never
 * interleaves. A task's failure goes to `onError` and never stops the next.
 */
export class LatestPerKey {
  private readonly running = new Map<string, Promise<void>>();
  private readonly waiting = new Map<string, () => Promise<void>>();

  constructor(private readonly onError: (key: string, error: unknown) => void) {}

  run(key: string, task: () => Promise<void>): void {
    if (this.running.has(key)) {
      this.waiting.set(key, task);
      return;
    }
    const chain = async (next: () => Promise<void>): Promise<void> => {
      await next().catch((error: unknown) => this.onError(key, error));
      const queued = this.waiting.get(key);
      this.waiting.delete(key);
      if (queued) return chain(queued);
      this.running.delete(key);
    };
    this.running.set(key, chain(task));
  }

  /** Settles once every task run or waiting has. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running.values());
  }
}
