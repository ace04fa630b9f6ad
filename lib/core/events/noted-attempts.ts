import type { DeliveryJournal } from '../ports';
import type { AttemptGate } from './attempt-gate';

/**
 * One delivery's attempts as the gate and the journal see them: each runs from `start` to `end` (before
 * a backoff, or when the delivery fails with the event pending) or to the event's completion. Attempts
 * at the event's next targets that follow without a wait run on under the same start, since the process
 * dying in any of them is the event's doing, and an event delivered at once costs one line as before.
 * Between an end and the next start the delivery holds no other back, and a death does not count
 * against it.
 */
export class NotedAttempts {
  private running = false;

  constructor(
    private readonly gate: AttemptGate,
    private readonly journal: DeliveryJournal | undefined,
    private readonly id: string,
    private readonly alone: boolean,
  ) {}

  /**
   * Waits for the gate, then notes the start; resolves once the note would survive a kill. False,
   * noting nothing, when the bus began stopping meanwhile: those queued behind an interrupted event
   * would otherwise each note a start and an end on their way out.
   */
  async start(stopping: AbortSignal): Promise<boolean> {
    const turn = this.gate.enter(this.alone);
    if (turn) await turn;
    if (stopping.aborted) {
      this.gate.leave(this.alone);
      return false;
    }
    this.running = true;
    await this.journal?.startAttempt(this.id);
    return true;
  }

  /**
   * Notes the end, then lets others run: a start the gate lets through after it follows it in the
   * journal, so a death in that attempt never counts against this event.
   */
  async end(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    try {
      await this.journal?.endAttempt(this.id);
    } finally {
      this.gate.leave(this.alone);
    }
  }

  /** The event is complete, which ends its attempt in the journal. */
  completed(): void {
    if (!this.running) return;
    this.running = false;
    this.gate.leave(this.alone);
  }
}
