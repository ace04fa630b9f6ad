import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SettledAnnouncements } from '../core/instances/announcements';
import type { DeadLetter } from '../core/ports';
import { PLATFORM_METRICS, platformMetricDimensions } from './metric-names';

/**
 * The platform's metrics of one stage, written as CloudWatch embedded metric format lines to the
 * function's log: no API call and no permission, so nothing a request waits for.
 */
export function platformMetrics(stage: string): Metrics {
  const { service, ...dimensions } = platformMetricDimensions(stage);
  return new Metrics({
    namespace: PLATFORM_METRICS.namespace,
    serviceName: service,
    defaultDimensions: dimensions,
  });
}

/**
 * Counts each dead letter once it is written. Published at once rather than at the end of the
 * invocation: letters are rare, and the invocation that writes one may be about to fail.
 */
export function deadLetterCounter(metrics: Metrics): (letter: DeadLetter) => void {
  return (letter) => {
    metrics.addMetadata('deadLetter', letter.id);
    metrics.addMetric(PLATFORM_METRICS.deadLetters, MetricUnit.Count, 1);
    metrics.publishStoredMetrics();
  };
}

/** A settlement run's outcome, zeros included: every run is a point on the graph. */
export function publishSettlement(metrics: Metrics, settled: SettledAnnouncements): void {
  metrics.addMetric(PLATFORM_METRICS.announcementsPublished, MetricUnit.Count, settled.published);
  metrics.addMetric(PLATFORM_METRICS.announcementsKept, MetricUnit.Count, settled.kept);
  metrics.publishStoredMetrics();
}
