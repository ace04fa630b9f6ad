import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { PLATFORM_METRICS, platformMetricDimensions } from '../aws/metric-names';

export interface PlatformAlarmsProps {
  /** The stage (see STAGE_PATTERN): it goes into the names of what this makes. */
  readonly stage: string;
  /** The announcement settlement's log group, which the alarm on what the bus did not take names. */
  readonly settlementLogs: ILogGroup;
  /**
   * The ARN of an SNS topic the alarms notify when they go off.
   * @default - no action: the alarms only change state
   */
  readonly alarmTopicArn?: string;
  /**
   * How long the alarm on what the bus did not take looks back: a few settlement runs, so that one
   * run's bad moment is seen without a long wait.
   * @default Duration.minutes(15)
   */
  readonly settlementPeriod?: Duration;
}

/**
 * Alarms on the metrics the platform's functions publish (lib/aws/platform-metrics.ts), so that an
 * operator hears of what the platform could not do by itself: events that ended as dead letters,
 * and lifecycle events the bus kept refusing. Each goes off at the first occurrence; no data is
 * not a breach, since both count things that should not happen.
 */
export class PlatformAlarms extends Construct {
  readonly deadLetters: Alarm;
  readonly heldAnnouncements: Alarm;

  constructor(scope: Construct, id: string, props: PlatformAlarmsProps) {
    super(scope, id);
    const metric = (metricName: string, period: Duration) =>
      new Metric({
        namespace: PLATFORM_METRICS.namespace,
        metricName,
        dimensionsMap: platformMetricDimensions(props.stage),
        statistic: Stats.SUM,
        period,
      });
    const atFirst = {
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    };
    this.deadLetters = new Alarm(this, 'DeadLetters', {
      ...atFirst,
      alarmDescription:
        'Events were not delivered to a target after every retry, or the bus did not take them: `GET /v1/dlq` (or `plugboard dlq list`) lists the dead letters with the reason of each. Fix the cause, then redrive them (`plugboard dlq redrive`); remove one no one wants delivered with `plugboard dlq delete <id>`.',
      metric: metric(PLATFORM_METRICS.deadLetters, Duration.minutes(5)),
    });
    this.heldAnnouncements = new Alarm(this, 'HeldAnnouncements', {
      ...atFirst,
      // The log group's name is CloudFormation's, so the description names it for the operator.
      alarmDescription: `The announcement settlement could not publish the lifecycle events of instance writes: the bus did not take them. They stay held and every run tries again. The settlement's log (log group ${props.settlementLogs.logGroupName}) names the bus's error: fix that (the bus deleted, the settlement's role denied on it, EventBridge throttling), and the next run publishes them and the alarm clears.`,
      metric: metric(PLATFORM_METRICS.announcementsKept, props.settlementPeriod ?? Duration.minutes(15)),
    });
    if (props.alarmTopicArn !== undefined) {
      const topic = new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn));
      for (const alarm of [this.deadLetters, this.heldAnnouncements]) alarm.addAlarmAction(topic);
    }
  }
}
