import { FifoQueue } from '../fifo-queue';

/**
 * Who may attempt a delivery now: any number side by side, or one alone. An interrupted event's
 * attempts run alone, so that the process dying in one is that event's doing. Those waiting to run
 * alone go first, one after another, and hold back any that would start side by side meanwhile: a
 * steady flow of events would otherwise keep them waiting for ever.
 */
export class AttemptGate {
  private sideBySide = 0;
  private alone = false;
  private readonly waitingAlone = new FifoQueue<() => void>();
  private readonly waitingSideBySide = new FifoQueue<() => void>();

  /** Undefined when the attempt may start at once, as it mostly may: awaiting nothing costs a delivery no turn. */
  enter(alone: boolean): Promise<void> | undefined {
    const free = !this.alone && this.waitingAlone.size === 0 && (!alone || this.sideBySide === 0);
    if (free) {
      if (alone) this.alone = true;
      else this.sideBySide++;
      return undefined;
    }
    return new Promise((resolve) => (alone ? this.waitingAlone : this.waitingSideBySide).push(resolve));
  }

  leave(alone: boolean): void {
    if (alone) this.alone = false;
    else this.sideBySide--;
    if (this.waitingAlone.size > 0) {
      if (this.sideBySide > 0) return;
      this.alone = true;
      this.waitingAlone.take()!();
      return;
    }
    this.sideBySide += this.waitingSideBySide.size;
    for (let admit = this.waitingSideBySide.take(); admit; admit = this.waitingSideBySide.take()) admit();
  }
}
