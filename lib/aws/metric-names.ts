/**
 * The platform's own CloudWatch metrics: what its functions publish (platform-metrics.ts) and what
 * its alarms watch (lib/infra/platform-alarms.ts), named in one place so that the two cannot drift.
 * This module imports nothing, so the CDK app reads it without loading Powertools.
 */
export const PLATFORM_METRICS = {
  namespace: 'Plugboard',
  /** The `service` dimension of every platform metric, whichever function publishes it. */
  service: 'plugboard',
  /**
   * A dead letter written: an event not delivered to one target after every retry, or one the bus
   * did not take. A letter written again (a failed redrive) counts again.
   */
  deadLetters: 'DeadLetters',
  /** Held announcements a settlement run published: instance writes whose function died before it published. */
  announcementsPublished: 'HeldAnnouncementsPublished',
  /** Held announcements the bus did not take in a settlement run: still held, for the next run. */
  announcementsKept: 'HeldAnnouncementsKept',
} as const;

/** The dimensions every platform metric of a stage carries, and the alarms name. */
export const platformMetricDimensions = (stage: string): Record<'service' | 'stage', string> => ({
  service: PLATFORM_METRICS.service,
  stage,
});
