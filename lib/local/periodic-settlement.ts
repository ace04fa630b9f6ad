import {
  ANNOUNCEMENT_SETTLEMENT,
  type AnnouncementDeps,
  settleAnnouncements,
} from '../core/instances/announcements';

export interface SettlementSchedule {
  readonly everyMs: number;
  readonly afterMs: number;
}

/**
 * Settles held announcements every `everyMs` while the platform runs, as the scheduled function
 * does on AWS: an event that a failure short of a crash left held (the bus or the registry
 * unavailable for a moment) is published without waiting for a restart. A run still under way when
 * the next is due is not joined by it. Answers what stops it, waiting for a run under way.
 */
export function settlingPeriodically(
  deps: AnnouncementDeps,
  { everyMs, afterMs }: SettlementSchedule = ANNOUNCEMENT_SETTLEMENT,
): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = settleAnnouncements(deps, afterMs)
      .then(() => undefined)
      .catch((error: unknown) =>
        deps.log?.('warn', 'held announcements not settled; the next run tries again', {
          error: String(error),
        }),
      )
      .finally(() => {
        running = undefined;
      });
  }, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
