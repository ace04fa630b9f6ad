import { join } from 'node:path';
import {
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AttributeType, Billing, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { eventBusName } from '../aws/names';
import { REGISTRY_TABLE } from '../aws/registry-table';
import { PROJECT_ROOT } from './project-root';
import { SubscriptionRulesCleanup } from './subscription-rules-cleanup';

export interface StatefulStackProps extends StackProps {
  readonly stage: string;
  /**
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Folder of the Lambda entries (subscription-rules-cleanup.ts).
   * @default functions/ of this project
   */
  readonly functionsDir?: string;
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

    this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Its messages are events not yet delivered: replacing or destroying the stack must not drop them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue of event delivery; a queue behind it would only move the same messages one step further.',
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
