import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { allowingStatements, render, roleStatements, type Statement } from './iam';
import { buildFixturePlatform } from './platform-fixture';

type Resource = { Type: string; Properties: Record<string, unknown> };

describe('the dead-letter intake (SQS dead-letter queue into the registry)', () => {
  let platform: ReturnType<typeof buildFixturePlatform>;
  let stateless: Template;
  let resources: Record<string, Resource>;
  let intakeId: string;
  let statements: Statement[];
  /** How the stateless stack refers to the queue and the table: imports of the stateful stack's outputs. */
  const dlqArn = { 'Fn::ImportValue': Match.stringLikeRegexp('DeadLetterQueue.*Arn') };

  const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  beforeAll(() => {
    platform = buildFixturePlatform();
    stateless = Template.fromStack(platform.stateless);
    resources = stateless.toJSON().Resources;
    [intakeId] = ofType('AWS::Lambda::Function').find(([id]) => id.startsWith('DeadLetterIntake'))!;
    statements = roleStatements(resources, 'DeadLetterIntake');
  });

  it('is fed by the dead-letter queue, reporting batch item failures so that what it cannot take in stays queued', () => {
    expect(ofType('AWS::Lambda::EventSourceMapping')).toHaveLength(1);
    stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: intakeId },
      EventSourceArn: dlqArn,
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it("runs the intake entry with the registry table's name and a timeout inside the queue's visibility timeout", () => {
    const fn = resources[intakeId]!.Properties;
    expect(fn.Description).toMatch(/dead-letter queue/);
    expect(fn.Timeout).toBeLessThanOrEqual(30);
    expect(fn.Environment).toEqual({
      Variables: expect.objectContaining({
        PLUGBOARD_STAGE: 'test',
        PLUGBOARD_TABLE_NAME: expect.anything(),
        POWERTOOLS_SERVICE_NAME: 'plugboard-dead-letter-intake',
      }),
    });
  });

  it('may consume that one queue, put items in the registry table and write its own logs, nothing else', () => {
    const resourceOf = (statement: Statement) => [statement.Resource].flat();
    const byService = (prefix: string) =>
      statements.filter((s) => [s.Action].flat().some((a) => a.startsWith(prefix)));

    const sqs = byService('sqs:');
    expect(sqs).toHaveLength(1);
    expect([sqs[0]!.Action].flat().sort()).toEqual([
      'sqs:ChangeMessageVisibility',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:ReceiveMessage',
    ]);
    expect(resourceOf(sqs[0]!)).toHaveLength(1);
    expect(Match.objectLike(dlqArn).test(resourceOf(sqs[0]!)[0]).isSuccess).toBe(true);
    const queueArn = render(resourceOf(sqs[0]!)[0]);
    expect(allowingStatements(statements, 'sqs:SendMessage', queueArn)).toEqual([]);
    expect(allowingStatements(statements, 'sqs:PurgeQueue', queueArn)).toEqual([]);

    const dynamodb = byService('dynamodb:');
    expect(dynamodb).toHaveLength(1);
    expect(dynamodb[0]!.Action).toBe('dynamodb:PutItem');
    // Dead letters and the event log only: never an instance, a manifest or a subscription.
    expect(dynamodb[0]!.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DEADLETTER#*', 'EVENT#*'] },
    });
    // The table itself, no index and no wildcard: the intake reads nothing.
    expect(resourceOf(dynamodb[0]!)).toHaveLength(1);
    expect(JSON.stringify(dynamodb[0]!.Resource)).toMatch(/Registry.*Arn/);
    const tableArn = render(resourceOf(dynamodb[0]!)[0]);
    expect(allowingStatements(statements, 'dynamodb:PutItem', tableArn)).toHaveLength(1);
    for (const action of ['GetItem', 'Query', 'DeleteItem', 'Scan', 'UpdateItem']) {
      expect(allowingStatements(statements, `dynamodb:${action}`, tableArn), action).toEqual([]);
    }

    const others = statements.filter((s) => [s.Action].flat().some((a) => !/^(sqs|dynamodb|logs):/.test(a)));
    expect(others).toEqual([]);
    expect(statements.every((s) => !JSON.stringify(s.Resource).includes('"*"'))).toBe(true);
  });

  it('keeps its logs in a log group of its own for 30 days, and may write only there', () => {
    const fn = resources[intakeId]!.Properties;
    const logGroupId = (fn.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(resources[logGroupId]).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 30 },
    });
    const logs = statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('logs:')));
    expect(logs).toEqual([
      expect.objectContaining({
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
      }),
    ]);
  });

  it('parks a message it cannot read after five receives, and alarms on the first one parked', () => {
    const stateful = Template.fromStack(platform.stateful);
    const queues = stateful.findResources('AWS::SQS::Queue');
    const [parkedId] = Object.keys(queues).filter((id) => id.startsWith('UnreadableDeadLetters'));
    stateful.hasResourceProperties('AWS::SQS::Queue', {
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [parkedId, 'Arn'] }, maxReceiveCount: 5 },
    });
    expect(queues[parkedId!]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    stateful.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [parkedId, 'QueueName'] } }],
      // CloudFormation names the queue: the alarm names it for the operator, and the days left to read it.
      AlarmDescription: {
        'Fn::Join': [
          '',
          [
            Match.stringLikeRegexp('parked in the queue $'),
            { 'Fn::GetAtt': [parkedId, 'QueueName'] },
            Match.stringLikeRegexp('before its 14-day retention drops it, and delete it there'),
          ],
        ],
      },
    });
    // The queue's alarm is the stateful stack's alone (the stateless one alarms on the platform's metrics).
    expect(
      stateless.findResources('AWS::CloudWatch::Alarm', { Properties: { Namespace: 'AWS/SQS' } }),
    ).toEqual({});
    // No topic given: the alarm changes state and notifies no one.
    expect(
      Object.values(stateful.findResources('AWS::CloudWatch::Alarm'))[0]!.Properties.AlarmActions,
    ).toBeUndefined();
  });

  it('notifies the SNS topic given as alarmTopicArn when the alarm goes off', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:plugboard-alarms';
    const notified = buildFixturePlatform({ alarmTopicArn: topicArn });
    Template.fromStack(notified.stateful).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      AlarmActions: [topicArn],
    });
  });
});
