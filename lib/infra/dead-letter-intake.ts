import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEAD_LETTER_PARTITION, EVENT_PARTITION } from '../aws/event-items';
import { BundledFunction } from './bundled-function';
import { grantRegistryPuts } from './grant-registry';

export interface DeadLetterIntakeProps {
  /** The stage (see STAGE_PATTERN): it goes into the names of what this makes. */
  readonly stage: string;
  /** The Lambda entry (functions/dead-letter-intake.ts). */
  readonly entry: string;
  /** The dead-letter queue of the rule targets and of the delivery function's on-failure destination. */
  readonly queue: IQueue;
  /** The registry table, where the dead letters and the event log live. */
  readonly table: ITableV2;
  /** Only its name is used: every platform function's settings name the bus (readEnvironment). */
  readonly bus: IEventBus;
  /**
   * How long the intake function keeps its logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * Makes the SQS dead-letter queue visible through /v1/dlq: a function fed by the queue turns each
 * message (an event a rule target could not deliver, or a failed invocation of the delivery
 * function) into dead letters in the registry, which the API lists and redrives. SQS deletes a
 * message only once its letters are written; what is not taken in is reported back as a batch item
 * failure and stays queued, to be parked (with an alarm) by the queue's redrive policy after a few
 * receives (StatefulStack.unreadableDeadLetters).
 */
export class DeadLetterIntake extends Construct {
  readonly handler: BundledFunction;

  constructor(scope: Construct, id: string, props: DeadLetterIntakeProps) {
    super(scope, id);
    this.handler = new BundledFunction(this, 'Handler', {
      entry: props.entry,
      stage: props.stage,
      serviceName: 'plugboard-dead-letter-intake',
      description: "Plugboard: takes the dead-letter queue's messages into the registry's dead letters",
      // A batch is at most 10 messages of a few PutItems each; the queue's visibility timeout (30 s)
      // must not be shorter than this, or a message would be received again while still in hand.
      timeout: Duration.seconds(10),
      logRetention: props.logRetention,
      environment: {
        PLUGBOARD_TABLE_NAME: props.table.tableName,
        PLUGBOARD_BUS_NAME: props.bus.eventBusName,
      },
    });
    grantRegistryPuts(props.table, this.handler.role, [DEAD_LETTER_PARTITION, EVENT_PARTITION]);
    // Also grants the role exactly the consuming calls on this one queue (receive, delete, visibility).
    this.handler.function.addEventSource(
      new SqsEventSource(props.queue, { batchSize: 10, reportBatchItemFailures: true }),
    );
  }
}
