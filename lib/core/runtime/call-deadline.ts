import { PlugboardError } from '../../sdk/errors';

const timedOut = () => new PlugboardError('Timeout', 'the plugin did not answer before its deadline');
/** What `AbortSignal.timeout` aborts with, so a handler sees the reason it would anywhere else. */
const timeoutReason = () => new DOMException('The operation was aborted due to timeout', 'TimeoutError');

/**
 * One call's deadline: races the handler against it, and gives the handler a signal that aborts then.
 * The signal is made only when the handler reads it during the call: `AbortSignal.timeout` on every call
 * (its event target, weak timer and finalizer) took ~15% of a plugin worker's busy time under load,
 * and most handlers never look at it.
 */
export class CallDeadline {
  private readonly timer: NodeJS.Timeout;
  private controller: AbortController | undefined;
  private expired = false;
  private onExpiry: (() => void) | undefined;

  constructor(deadline: number) {
    this.timer = setTimeout(() => this.expire(), Math.max(0, deadline - Date.now()));
    this.timer.unref();
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.expired) this.controller.abort(timeoutReason());
    }
    return this.controller.signal;
  }

  /**
   * Settles as `work` does, or rejects with a Timeout error at the deadline: a handler that ignores
   * its signal still answers. Once `work` settles, the timer stays only for a signal that was read.
   */
  race<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.expired) return reject(timedOut());
      this.onExpiry = () => reject(timedOut());
      const settled = () => {
        this.onExpiry = undefined;
        if (!this.controller) clearTimeout(this.timer);
      };
      work.then(
        (value) => {
          settled();
          resolve(value);
        },
        (error: unknown) => {
          settled();
          reject(error);
        },
      );
    });
  }

  private expire(): void {
    this.expired = true;
    this.controller?.abort(timeoutReason());
    this.onExpiry?.();
  }
}
