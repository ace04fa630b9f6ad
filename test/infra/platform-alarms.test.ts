import { Template } from 'aws-cdk-lib/assertions';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterCounter, platformMetrics, publishSettlement } from '../../lib/aws/platform-metrics';
import { platformEvent } from '../../lib/core/platform-events';
import { type EmfDocument, watchEmf } from '../fixtures/emf-lines';
import { buildFixturePlatform, STAGE } from './platform-fixture';

type AlarmProperties = Record<string, unknown> & {
  MetricName: string;
  Namespace: string;
  Dimensions: { Name: string; Value: string }[];
};

/** The namespace, name and dimensions of each metric in what a function wrote, as an alarm names them. */
const published = (documents: EmfDocument[]) =>
  documents.flatMap((document) =>
    document._aws.CloudWatchMetrics.flatMap(({ Namespace, Dimensions, Metrics }) =>
      Metrics.map(({ Name }) => ({
        Namespace,
        MetricName: Name,
        Dimensions: Dimensions.flat().map((name) => ({ Name: name, Value: document[name] })),
      })),
    ),
  );

describe("the platform's alarms on the metrics its functions publish", () => {
  let alarms: AlarmProperties[];
  let emf: ReturnType<typeof watchEmf> | undefined;

  beforeAll(() => {
    const stateless = Template.fromStack(buildFixturePlatform().stateless);
    alarms = Object.values(
      stateless.findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'Plugboard' } }),
    ).map((resource) => resource.Properties as AlarmProperties);
  });
  afterEach(() => emf?.restore());

  const alarmOn = (metricName: string) => {
    const found = alarms.filter((alarm) => alarm.MetricName === metricName);
    expect(found, metricName).toHaveLength(1);
    return found[0]!;
  };

  it('watch exactly the metric, namespace and dimensions the functions write', () => {
    emf = watchEmf();
    const metrics = platformMetrics(STAGE);
    const event = platformEvent({ account: '123456789012', region: 'eu-west-1' }, 'Instance Deleted', {});
    deadLetterCounter(metrics)({
      id: `${event.id}:lifecycle`,
      event,
      target: 'lifecycle',
      attempts: 3,
      reason: 'the hook failed',
      failedAt: event.time,
    });
    publishSettlement(metrics, { published: 0, dropped: 0, kept: 1 });
    const written = published(emf.documents());

    for (const metricName of ['DeadLetters', 'HeldAnnouncementsKept']) {
      const { Namespace, MetricName, Dimensions } = alarmOn(metricName);
      expect(written).toContainEqual({
        Namespace,
        MetricName,
        Dimensions: expect.arrayContaining(Dimensions),
      });
      // Dimensions name a metric exactly: one the alarm leaves out would make it another metric.
      expect(written.find((metric) => metric.MetricName === metricName)?.Dimensions).toHaveLength(
        Dimensions.length,
      );
    }
  });

  it('go off at the first dead letter in five minutes, and at the first event the bus kept refusing in fifteen', () => {
    const atFirst = {
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    };
    expect(alarmOn('DeadLetters')).toMatchObject({ ...atFirst, Period: 300 });
    expect(alarmOn('HeldAnnouncementsKept')).toMatchObject({ ...atFirst, Period: 900 });
    expect(alarmOn('DeadLetters').AlarmDescription).toMatch(/GET \/v1\/dlq/);
    // The settlement's log group has a name CloudFormation makes: the alarm names it, and what clears it.
    const settlementLogs = Object.keys(
      Template.fromStack(buildFixturePlatform().stateless).findResources('AWS::Logs::LogGroup'),
    ).find((id) => id.startsWith('AnnouncementSettlementHandlerLogs'));
    expect(alarmOn('HeldAnnouncementsKept').AlarmDescription).toEqual({
      'Fn::Join': [
        '',
        [
          expect.stringMatching(/\(log group $/),
          { Ref: settlementLogs },
          expect.stringMatching(/fix that .* the next run publishes them and the alarm clears\.$/),
        ],
      ],
    });
    // No topic given: they change state and notify no one.
    for (const alarm of alarms) expect(alarm.AlarmActions).toBeUndefined();
  });

  it('notify the SNS topic given as alarmTopicArn', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:plugboard-alarms';
    const notified = Template.fromStack(buildFixturePlatform({ alarmTopicArn: topicArn }).stateless);
    const actions = Object.values(
      notified.findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'Plugboard' } }),
    ).map((resource) => resource.Properties.AlarmActions);
    expect(actions).toEqual([[topicArn], [topicArn]]);
  });
});
