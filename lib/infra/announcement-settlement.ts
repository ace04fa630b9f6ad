import { Duration, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { webhookSecretPrefix } from '../aws/names';
import { ANNOUNCEMENTS_PARTITION, instanceKey } from '../aws/registry-items';
import { storePartitionPattern } from '../aws/registry-table';
import { ANNOUNCEMENT_SETTLEMENT } from '../core/instances/announcements';
import { credentialsPrefix, stageSecretPrefix } from '../core/ports';
import { BundledFunction } from './bundled-function';
import { nagArn } from './nag';
import { secretArn } from './secret-arn';

export interface AnnouncementSettlementProps {
  /** The stage (see STAGE_PATTERN): it goes into the names of what this makes. */
  readonly stage: string;
  /** The Lambda entry (functions/announcement-settlement.ts). */
  readonly entry: string;
  /** The registry table, where announcements are held and instances carry them. */
  readonly table: ITableV2;
  /** The platform bus, where the events of writes that landed are published. */
  readonly bus: IEventBus;
  /**
   * The longest a function that writes instances runs (the dispatcher's timeout): an announcement
   * younger than that may belong to a write still under way.
   */
  readonly liveWriteTimeout: Duration;
  /**
   * How long after it was held an announcement is settled; longer than `liveWriteTimeout`, so that
   * a run never races a live write.
   * @default Duration.minutes(2)
   */
  readonly settleAfter?: Duration;
  /**
   * How often it runs: a write's event reaches the bus at most about `settleAfter` plus this after a
   * crash kept it off.
   * @default Duration.minutes(5)
   */
  readonly every?: Duration;
  /**
   * How long the settlement function keeps its logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/** How long a run takes at most; with the schedule's and Lambda's one-minute event ages, runs never overlap. */
const RUN_TIMEOUT = Duration.minutes(1);

/**
 * A scheduled function that settles the announcements of instance writes whose function died (a
 * timeout, a crash) between the registry write and the publish (settleAnnouncements). A run that
 * fails is not retried and leaves no dead letter: whatever it did not settle stays held for the next
 * run, which reads the registry afresh.
 */
export class AnnouncementSettlement extends Construct {
  readonly handler: BundledFunction;
  readonly schedule: Rule;

  constructor(scope: Construct, id: string, props: AnnouncementSettlementProps) {
    super(scope, id);
    const settleAfter = props.settleAfter ?? Duration.millis(ANNOUNCEMENT_SETTLEMENT.afterMs);
    const every = props.every ?? Duration.millis(ANNOUNCEMENT_SETTLEMENT.everyMs);
    if (settleAfter.toSeconds() <= props.liveWriteTimeout.toSeconds())
      throw new Error(
        `announcements must be settled after the ${props.liveWriteTimeout.toSeconds()} s a live write may take, not ${settleAfter.toSeconds()} s`,
      );
    if (every.toSeconds() <= 3 * RUN_TIMEOUT.toSeconds())
      throw new Error(
        `the settlement must run less often than every ${3 * RUN_TIMEOUT.toMinutes()} minutes, or runs may overlap`,
      );
    this.handler = new BundledFunction(this, 'Handler', {
      entry: props.entry,
      stage: props.stage,
      serviceName: 'plugboard-announcement-settlement',
      description:
        'Plugboard: publishes the events of instance writes whose function died before it published them',
      timeout: RUN_TIMEOUT,
      logRetention: props.logRetention,
      environment: {
        PLUGBOARD_TABLE_NAME: props.table.tableName,
        PLUGBOARD_BUS_NAME: props.bus.eventBusName,
        PLUGBOARD_SETTLE_AFTER_SECONDS: String(settleAfter.toSeconds()),
      },
    });
    const { role } = this.handler;
    const leadingKeys = (keys: string[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys } });
    // The held announcements: listed, a delete's read again, their `landed` mark undone, dropped.
    role.addToPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
        resources: [props.table.tableArn],
        conditions: leadingKeys([ANNOUNCEMENTS_PARTITION]),
      }),
    );
    // The instances: read, and their marks taken off; never deleted or made.
    role.addToPolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
        resources: [props.table.tableArn],
        conditions: leadingKeys([instanceKey('*').pk]),
      }),
    );
    // What a delete that died left behind: its store's items (listed, deleted) and its credentials.
    role.addToPolicy(
      new PolicyStatement({
        actions: ['dynamodb:Query', 'dynamodb:DeleteItem'],
        resources: [props.table.tableArn],
        conditions: leadingKeys([storePartitionPattern('*')]),
      }),
    );
    const secrets = `${stageSecretPrefix(props.stage)}*`;
    role.addToPolicy(
      new PolicyStatement({
        actions: ['secretsmanager:DeleteSecret'],
        resources: [secretArn(this, secrets)],
      }),
    );
    // The stage's prefix holds the webhook sources' HMAC secrets too, which the settlement never
    // deletes; IAM's wildcards cannot leave them out (a slug starts with a letter, `_webhooks` with
    // `_`), so they are denied by their own prefix.
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.DENY,
        actions: ['secretsmanager:DeleteSecret'],
        resources: [secretArn(this, `${webhookSecretPrefix(props.stage)}*`)],
      }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn('secretsmanager', `secret:${secrets}`)}]`,
      reason: `An instance's secret is named at runtime under ${credentialsPrefix(props.stage, '<plugin>')} with a random ARN suffix; the settlement deletes the one a delete that died left, reads none, and is denied the webhook sources' secrets under ${webhookSecretPrefix(props.stage)}.`,
    });
    props.bus.grantPutEventsTo(role);
    this.handler.function.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
    this.schedule = new Rule(this, 'Schedule', {
      description: 'Settles the held announcements of instance writes',
      schedule: Schedule.rate(every),
    });
    this.schedule.addTarget(
      new LambdaFunction(this.handler.function, { retryAttempts: 2, maxEventAge: Duration.minutes(1) }),
    );
  }
}
