import { join } from 'node:path';
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Stats, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { eventBusName } from '../aws/names';
import { REGISTRY_TABLE } from '../aws/registry-table';
import { PROJECT_ROOT } from './project-root';
import { SubscriptionRulesCleanup } from './subscription-rules-cleanup';

export interface StatefulStackProps extends StackProps {
  /** The stage (see STAGE_PATTERN): it goes into the names of what this makes. */
  readonly stage: string;
  /**
   * How long the stack (the subscription rules' clean-up) keeps its logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Folder of the Lambda entries (subscription-rules-cleanup.ts).
   * @default functions/ of this project
   */
  readonly functionsDir?: string;
  /**
   * The ARN of an SNS topic the platform's alarms notify when they go off (a dead letter the intake
   * could not read). Without one an alarm only changes state, which nobody sees unless they look.
   * @default - no action: subscribe to the alarms, or watch them in CloudWatch
   */
  readonly alarmTopicArn?: string;
}

/**
 * What outlives a deployment of code: the registry table, the event bus and the dead-letter queue
 * (and what removes the subscriptions' rules from the bus when the bus goes).
 * The table (also protected from deletion) and the queue are retained when the stack goes; the
 * stateless stack can be replaced freely.
 */
export class StatefulStack extends Stack {
  readonly table: TableV2;
  readonly bus: EventBus;
  /** Where events land that could not be delivered after every retry. */
  readonly deadLetterQueue: Queue;
  /** Where a dead-letter message the intake cannot read goes after five receives, with an alarm on it. */
  readonly unreadableDeadLetters: Queue;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const key = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new TableV2(this, 'Registry', {
      partitionKey: key(REGISTRY_TABLE.partitionKey),
      sortKey: key(REGISTRY_TABLE.sortKey),
      globalSecondaryIndexes: REGISTRY_TABLE.indexes.map((index) => ({
        indexName: index.name,
        partitionKey: key(index.partitionKey),
        sortKey: key(index.sortKey),
      })),
      timeToLiveAttribute: REGISTRY_TABLE.timeToLiveAttribute,
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bus = new EventBus(this, 'Bus', { eventBusName: eventBusName(props.stage) });
    new SubscriptionRulesCleanup(this, 'SubscriptionRulesCleanup', {
      stage: props.stage,
      bus: this.bus,
      entry: join(props.functionsDir ?? join(PROJECT_ROOT, 'functions'), 'subscription-rules-cleanup.ts'),
      logRetention: props.logRetention,
    });

    // A message the dead-letter intake cannot take into the registry is received again every
    // visibility timeout; after a few it is parked here, where it waits to be read by hand and an
    // alarm says so. (On the queue itself an age alarm would miss it: SQS leaves a message received
    // three times or more out of ApproximateAgeOfOldestMessage.)
    const unreadableRetention = Duration.days(14);
    this.unreadableDeadLetters = new Queue(this, 'UnreadableDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: unreadableRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const unreadable = new Alarm(this, 'UnreadableDeadLettersAlarm', {
      alarmDescription: `A dead-letter queue message the dead-letter intake could not read into the registry (the intake's log says why) is parked in the queue ${this.unreadableDeadLetters.queueName}: read it in the SQS console (Send and receive messages, Poll for messages) before its ${unreadableRetention.toDays()}-day retention drops it, and delete it there once dealt with, which clears the alarm.`,
      metric: this.unreadableDeadLetters.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: Stats.MAXIMUM,
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmTopicArn !== undefined)
      unreadable.addAlarmAction(new SnsAction(Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn)));
    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Its messages are events not yet delivered: replacing or destroying the stack must not drop them.
      removalPolicy: RemovalPolicy.RETAIN,
      deadLetterQueue: { queue: this.unreadableDeadLetters, maxReceiveCount: 5 },
    });
    // Rules on the bus are also created at runtime (subscriptions); one statement covers them all,
    // and keeps the queue's policy out of the stateless stack (which would make the stacks a cycle).
    this.deadLetterQueue.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'events',
              resource: 'rule',
              resourceName: `${this.bus.eventBusName}/*`,
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          },
        },
      }),
    );

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'BusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
  }
}
