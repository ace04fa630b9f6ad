import { join } from 'node:path';
import { ArnFormat, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Match, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, type Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DELIVERY_RETRY } from '../aws/delivery-retry';
import { pluginFunctionName, subscriptionRulePrefix, webhookSecretPrefix } from '../aws/names';
import { credentialsPrefix, stageSecretPrefix } from '../core/ports';
import { AnnouncementSettlement } from './announcement-settlement';
import { BundledFunction, type BundledFunctionProps } from './bundled-function';
import { DeadLetterIntake } from './dead-letter-intake';
import { grantRegistry } from './grant-registry';
import { nagArn } from './nag';
import { PlatformAlarms } from './platform-alarms';
import { type JwtAuthOptions, PlatformApi } from './platform-api';
import { type DeployedPlugin, PluginFunction } from './plugin-function';
import { PROJECT_ROOT } from './project-root';
import { RegistrySync } from './registry-sync';
import { secretArn } from './secret-arn';
import { subscriptionRules } from './subscription-rules';

export interface StatelessStackProps extends StackProps {
  /** The stage (see STAGE_PATTERN): it goes into the names of what this makes. */
  readonly stage: string;
  /** The plugins to deploy, each as a function of its own. */
  readonly plugins: readonly DeployedPlugin[];
  /** The registry table, from the stateful stack. */
  readonly table: ITableV2;
  /** The platform bus, from the stateful stack. */
  readonly bus: IEventBus;
  /** The dead-letter queue of the subscription rules and the delivery function, from the stateful stack. */
  readonly deadLetterQueue: IQueue;
  /**
   * JWT authorization by an identity provider's tokens, in place of IAM.
   * @default - IAM (SigV4) authorization
   */
  readonly jwt?: JwtAuthOptions;
  /**
   * Origins of browser apps allowed to call the API (see PlatformApiProps.corsOrigins).
   * @default - none: no CORS
   */
  readonly corsOrigins?: readonly string[];
  /**
   * How long every log group of the stack keeps its logs: each function's and the API's access log.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Folder of the Lambda entries (dispatcher.ts, event-delivery.ts, dead-letter-intake.ts,
   * announcement-settlement.ts, plugin-runtime.ts, registry-sync.ts).
   * @default functions/ of this project
   */
  readonly functionsDir?: string;
  /**
   * The ARN of an SNS topic the platform's alarms notify (PlatformAlarms).
   * @default - no action: the alarms only change state
   */
  readonly alarmTopicArn?: string;
}

/** API Gateway gives up on an integration after 30 s; plugins get at most 29. */
const DISPATCHER_TIMEOUT = Duration.seconds(29);

/** The catch-all rule's target retries as the subscription rules' targets do. */
const TARGET_RETRY = {
  retryAttempts: DELIVERY_RETRY.maximumRetryAttempts,
  maxEventAge: Duration.seconds(DELIVERY_RETRY.maximumEventAgeSeconds),
};

/**
 * Code that can be replaced on every deploy: the HTTP API with the dispatcher and the webhook
 * receiver, one function per plugin, event delivery and the registry sync.
 */
export class StatelessStack extends Stack {
  readonly dispatcher: BundledFunction;
  readonly webhookReceiver: BundledFunction;
  readonly delivery: BundledFunction;
  readonly deadLetterIntake: DeadLetterIntake;
  readonly announcementSettlement: AnnouncementSettlement;
  readonly alarms: PlatformAlarms;
  readonly pluginFunctions: ReadonlyMap<string, PluginFunction>;
  readonly api: PlatformApi;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stage, table, bus } = props;
    const functionsDir = props.functionsDir ?? join(PROJECT_ROOT, 'functions');
    // Imported by ARN: the queue's policy lives with the queue (see StatefulStack).
    const deadLetterQueue = Queue.fromQueueArn(this, 'DeadLetterQueue', props.deadLetterQueue.queueArn);
    const platformFunction = (fnId: string, fn: Omit<BundledFunctionProps, 'stage'>) =>
      new BundledFunction(this, fnId, {
        stage,
        logRetention: props.logRetention,
        ...fn,
        environment: {
          PLUGBOARD_TABLE_NAME: table.tableName,
          PLUGBOARD_BUS_NAME: bus.eventBusName,
          ...fn.environment,
        },
      });

    this.pluginFunctions = new Map(
      props.plugins.map((plugin) => [
        plugin.manifest.slug,
        new PluginFunction(this, `Plugin-${plugin.manifest.slug}`, {
          stage,
          plugin,
          table,
          bus,
          runtimeModule: join(functionsDir, 'plugin-runtime.ts'),
          logRetention: props.logRetention,
        }),
      ]),
    );

    const auth = { PLUGBOARD_AUTH: props.jwt ? 'jwt' : 'iam' };
    this.dispatcher = platformFunction('Dispatcher', {
      entry: join(functionsDir, 'dispatcher.ts'),
      serviceName: 'plugboard-dispatcher',
      description: 'Plugboard: the HTTP API',
      memorySize: 512,
      timeout: DISPATCHER_TIMEOUT,
      environment: auth,
    });
    // The same app behind the one unsigned route, so that only this function may read webhook
    // HMAC secrets and the dispatcher reads no secret at all.
    this.webhookReceiver = platformFunction('WebhookReceiver', {
      entry: join(functionsDir, 'dispatcher.ts'),
      serviceName: 'plugboard-webhooks',
      description: 'Plugboard: verifies and records webhook deliveries',
      memorySize: 512,
      timeout: Duration.seconds(10),
      environment: auth,
    });
    this.delivery = platformFunction('EventDelivery', {
      entry: join(functionsDir, 'event-delivery.ts'),
      serviceName: 'plugboard-event-delivery',
      description: 'Plugboard: delivers bus events to lifecycle hooks, webhook rules and subscriptions',
      memorySize: 512,
      // Room for every target of one event, each with its retries, plugins taking up to 29 s.
      timeout: Duration.minutes(5),
    });

    for (const fn of [this.dispatcher, this.webhookReceiver, this.delivery]) {
      grantRegistry(table, fn.role);
      bus.grantPutEventsTo(fn.role);
    }
    for (const fn of [this.dispatcher, this.delivery]) this.allowInvokingPlugins(fn.role, stage);
    this.allowWritingSecrets(this.dispatcher.role, stage);
    this.allowReadingWebhookSecrets(this.webhookReceiver.role, stage);
    this.deliverEveryEvent(bus, deadLetterQueue);
    this.deliverSubscriptionsByRule(stage, deadLetterQueue);
    // What lands in the queue (rule targets that gave up, failed invocations of the delivery
    // function) becomes dead letters in the registry, which /v1/dlq lists and redrives.
    this.deadLetterIntake = new DeadLetterIntake(this, 'DeadLetterIntake', {
      stage,
      entry: join(functionsDir, 'dead-letter-intake.ts'),
      queue: deadLetterQueue,
      table,
      bus,
      logRetention: props.logRetention,
    });

    // Instance writes whose dispatcher died before it published their events are announced here.
    this.announcementSettlement = new AnnouncementSettlement(this, 'AnnouncementSettlement', {
      stage,
      entry: join(functionsDir, 'announcement-settlement.ts'),
      table,
      bus,
      liveWriteTimeout: DISPATCHER_TIMEOUT,
      logRetention: props.logRetention,
    });
    this.alarms = new PlatformAlarms(this, 'Alarms', {
      stage,
      settlementLogs: this.announcementSettlement.handler.logGroup,
      alarmTopicArn: props.alarmTopicArn,
    });

    this.api = new PlatformApi(this, 'Api', {
      dispatcher: this.dispatcher.function,
      webhookReceiver: this.webhookReceiver.function,
      jwt: props.jwt,
      corsOrigins: props.corsOrigins,
      accessLogRetention: props.logRetention,
    });
    if (this.api.corsOrigins.length > 0) {
      // Both run the dispatcher app: what reaches them (a preflight from an origin not listed, a
      // bare OPTIONS) is answered as the local platform answers it.
      for (const fn of [this.dispatcher, this.webhookReceiver])
        fn.function.addEnvironment('PLUGBOARD_CORS_ORIGINS', this.api.corsOrigins.join(','));
    }

    new RegistrySync(this, 'RegistrySync', {
      stage,
      logRetention: props.logRetention,
      entry: join(functionsDir, 'registry-sync.ts'),
      table,
      manifests: props.plugins.map((plugin) => plugin.manifest),
      handlers: Object.fromEntries(
        props.plugins.flatMap((plugin) => (plugin.handlers ? [[plugin.manifest.slug, plugin.handlers]] : [])),
      ),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'BusName', { value: bus.eventBusName });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    // CloudFormation names the log groups: the two an operator reads first are named here.
    new CfnOutput(this, 'DispatcherLogGroup', { value: this.dispatcher.logGroup.logGroupName });
    new CfnOutput(this, 'AccessLogGroup', { value: this.api.accessLogs.logGroupName });
  }

  /**
   * One rule sends every event on the bus to the delivery function, which logs it and runs the
   * platform's built-in reactions (lifecycle hooks, webhook rules). EventBridge retries for a day,
   * Lambda twice more; what still fails lands in the dead-letter queue.
   */
  private deliverEveryEvent(bus: IEventBus, deadLetterQueue: IQueue): void {
    this.delivery.function.configureAsyncInvoke({
      retryAttempts: 2,
      onFailure: new SqsDestination(deadLetterQueue),
    });
    const rule = new Rule(this, 'Deliveries', {
      eventBus: bus,
      description: 'Every event on the bus, to the delivery function',
      // An empty prefix matches every source: EventBridge needs at least one field in a pattern.
      eventPattern: { source: Match.prefix('') },
    });
    rule.addTarget(new LambdaFunction(this.delivery.function, { ...TARGET_RETRY, deadLetterQueue }));
  }

  /**
   * Each subscription is a rule on the bus that the dispatcher writes at runtime
   * (EventBridgeSubscriptionRules), so EventBridge does the matching and the fan-out: the dispatcher
   * may manage only rules named `plugboard-<stage>-sub-*` on this bus, and point them only at the delivery
   * function, which only those rules (and the catch-all) may invoke.
   */
  private deliverSubscriptionsByRule(stage: string, deadLetterQueue: IQueue): void {
    const { arn: rules, nagResource } = subscriptionRules(this, stage);
    const delivery = this.delivery.function;
    const role = this.dispatcher.role;
    role.addToPolicy(
      new PolicyStatement({
        actions: ['events:PutRule', 'events:RemoveTargets', 'events:DeleteRule'],
        resources: [rules],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        actions: ['events:PutTargets'],
        resources: [rules],
        conditions: { ArnEquals: { 'events:TargetArn': delivery.functionArn } },
      }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagResource}]`,
      reason: `Subscriptions are created at runtime, each as a rule named ${subscriptionRulePrefix(stage)}<id> on this stage's bus; the dispatcher may manage those rules only, and target only the delivery function.`,
    });
    delivery.addPermission('SubscriptionRules', {
      principal: new ServicePrincipal('events.amazonaws.com'),
      sourceArn: rules,
      sourceAccount: this.account,
    });
    this.dispatcher.function.addEnvironment('PLUGBOARD_DELIVERY_FUNCTION_ARN', delivery.functionArn);
    this.dispatcher.function.addEnvironment('PLUGBOARD_DEAD_LETTER_QUEUE_ARN', deadLetterQueue.queueArn);
  }

  /** Plugin functions only, by name: platform functions are not named `plugboard-<stage>-*`. */
  private allowInvokingPlugins(role: Role, stage: string): void {
    const functions = this.formatArn({
      service: 'lambda',
      resource: 'function',
      resourceName: pluginFunctionName(stage, '*'),
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    role.addToPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [functions] }));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn('lambda', `function:${pluginFunctionName(stage, '*')}`)}]`,
      reason: `Plugins are added and removed with every deploy. Stages hold no "-" (checkStage refuses one at synth), so no other stage's function starts with plugboard-${stage}-, and the platform's own functions have names CloudFormation generates from the stack name: the prefix names plugin functions of this stage only.`,
    });
  }

  /** Create, update and delete instance credentials and webhook secrets; never read them (no GetSecretValue). */
  private allowWritingSecrets(role: Role, stage: string): void {
    const secrets = secretArn(this, `${stageSecretPrefix(stage)}*`);
    role.addToPolicy(
      new PolicyStatement({
        actions: [
          'secretsmanager:CreateSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:DeleteSecret',
          'secretsmanager:TagResource',
        ],
        resources: [secrets],
      }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn('secretsmanager', `secret:${stageSecretPrefix(stage)}*`)}]`,
      reason: `Each instance's credentials (under ${credentialsPrefix(stage, '<plugin>')}) and each webhook source's HMAC secret (under ${webhookSecretPrefix(stage)}) are created at runtime with a random ARN suffix; the dispatcher writes both but has no GetSecretValue.`,
    });
  }

  /** Webhook HMAC secrets only: `_webhooks` cannot be a plugin slug, so no instance credentials match. */
  private allowReadingWebhookSecrets(role: Role, stage: string): void {
    const secrets = secretArn(this, `${webhookSecretPrefix(stage)}*`);
    role.addToPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secrets] }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn('secretsmanager', `secret:${webhookSecretPrefix(stage)}*`)}]`,
      reason: `Webhook sources are created at runtime, each with its HMAC secret under ${webhookSecretPrefix(stage)}; the receiver reads those to verify signatures and nothing else.`,
    });
  }
}
