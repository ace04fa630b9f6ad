import { join } from 'node:path';
import { ArnFormat, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, type Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { eventBusName, pluginFunctionName, stageSecretPrefix, subscriptionRulePrefix } from '../aws/names';
import { PLATFORM_SOURCE } from '../sdk/events';
import { BundledFunction } from './bundled-function';
import { grantRegistry } from './grant-registry';
import { nagArn } from './nag';
import { type JwtAuthOptions, PlatformApi } from './platform-api';
import { type DeployedPlugin, PluginFunction } from './plugin-function';
import { PROJECT_ROOT } from './project-root';
import { RegistrySync } from './registry-sync';

export interface StatelessStackProps extends StackProps {
  readonly stage: string;
  readonly plugins: readonly DeployedPlugin[];
  readonly table: ITableV2;
  /** The stage's bus, named `eventBusName(stage)` (subscription rule ARNs in policies name it). */
  readonly bus: IEventBus;
  readonly deadLetterQueue: IQueue;
  /**
   * @default - IAM (SigV4) authorization
   */
  readonly jwt?: JwtAuthOptions;
  /**
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Folder of the Lambda entries (dispatcher.ts, event-delivery.ts, plugin-runtime.ts, registry-sync.ts).
   * @default functions/ of this project
   */
  readonly functionsDir?: string;
}

/** Platform events that reach plugins without a subscription: instance lifecycle and webhooks. */
const PLATFORM_DELIVERIES = ['Instance Created', 'Instance Updated', 'Instance Deleted', 'Webhook Received'];

/** EventBridge's own maximum: retry for 24 hours before the dead-letter queue. */
const DELIVERY_RETRY = { retryAttempts: 185, maxEventAge: Duration.hours(24) };

/**
 * Code that can be replaced on every deploy: the HTTP API and dispatcher, one function per plugin,
 * event delivery and the registry sync.
 */
export class StatelessStack extends Stack {
  readonly dispatcher: BundledFunction;
  readonly delivery: BundledFunction;
  readonly pluginFunctions: ReadonlyMap<string, PluginFunction>;
  readonly api: PlatformApi;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { stage, table, bus } = props;
    const functionsDir = props.functionsDir ?? join(PROJECT_ROOT, 'functions');
    // Imported by ARN: the queue's policy lives with the queue (see StatefulStack).
    const deadLetterQueue = Queue.fromQueueArn(this, 'DeadLetterQueue', props.deadLetterQueue.queueArn);
    const common = {
      stage,
      logRetention: props.logRetention,
    };
    const platformEnvironment = {
      PLUGBOARD_TABLE_NAME: table.tableName,
      PLUGBOARD_BUS_NAME: bus.eventBusName,
    };

    this.pluginFunctions = new Map(
      props.plugins.map((plugin) => [
        plugin.manifest.slug,
        new PluginFunction(this, `Plugin-${plugin.manifest.slug}`, {
          ...common,
          plugin,
          table,
          bus,
          runtimeModule: join(functionsDir, 'plugin-runtime.ts'),
        }),
      ]),
    );

    this.delivery = new BundledFunction(this, 'EventDelivery', {
      ...common,
      entry: join(functionsDir, 'event-delivery.ts'),
      serviceName: 'plugboard-event-delivery',
      description: 'Plugboard: delivers bus events to plugin functions',
      memorySize: 512,
      timeout: Duration.seconds(60),
      environment: platformEnvironment,
    });
    // A delivery that fails inside the function is retried twice by Lambda, then parked in the DLQ.
    this.delivery.function.configureAsyncInvoke({
      retryAttempts: 2,
      onFailure: new SqsDestination(deadLetterQueue),
    });

    const deliveryRule = new Rule(this, 'PlatformDeliveries', {
      eventBus: bus,
      description: 'Instance lifecycle and webhook events, delivered to the plugins that handle them',
      eventPattern: { source: [PLATFORM_SOURCE], detailType: PLATFORM_DELIVERIES },
    });
    deliveryRule.addTarget(
      new LambdaFunction(this.delivery.function, { ...DELIVERY_RETRY, deadLetterQueue }),
    );

    this.dispatcher = new BundledFunction(this, 'Dispatcher', {
      ...common,
      entry: join(functionsDir, 'dispatcher.ts'),
      serviceName: 'plugboard-dispatcher',
      description: 'Plugboard: the HTTP API',
      memorySize: 512,
      // API Gateway gives up on an integration after 30 s; plugins get at most 29.
      timeout: Duration.seconds(29),
      environment: {
        ...platformEnvironment,
        PLUGBOARD_AUTH: props.jwt ? 'jwt' : 'iam',
        PLUGBOARD_DELIVERY_FUNCTION_ARN: this.delivery.function.functionArn,
        PLUGBOARD_DEAD_LETTER_QUEUE_ARN: deadLetterQueue.queueArn,
      },
    });

    for (const fn of [this.dispatcher, this.delivery]) {
      grantRegistry(table, fn.role);
      bus.grantPutEventsTo(fn.role);
      this.allowInvokingPlugins(fn.role, stage);
    }
    this.allowWritingSecrets(this.dispatcher.role, stage);
    this.allowManagingSubscriptions(this.dispatcher.role, stage, this.delivery.function);

    this.api = new PlatformApi(this, 'Api', { dispatcher: this.dispatcher.function, jwt: props.jwt });

    new RegistrySync(this, 'RegistrySync', {
      ...common,
      entry: join(functionsDir, 'registry-sync.ts'),
      table,
      manifests: props.plugins.map((plugin) => plugin.manifest),
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'BusName', { value: bus.eventBusName });
    new CfnOutput(this, 'TableName', { value: table.tableName });
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
      reason: `Plugins are added and removed with every deploy; the prefix plugboard-${stage}- names plugin functions of this stage only.`,
    });
  }

  /** Create, update and delete instance credentials; never read them (no GetSecretValue). */
  private allowWritingSecrets(role: Role, stage: string): void {
    const secrets = this.formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${stageSecretPrefix(stage)}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: [
          'secretsmanager:CreateSecret',
          'secretsmanager:PutSecretValue',
          'secretsmanager:DeleteSecret',
          'secretsmanager:DescribeSecret',
          'secretsmanager:TagResource',
        ],
        resources: [secrets],
      }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn('secretsmanager', `secret:${stageSecretPrefix(stage)}*`)}]`,
      reason: `Each instance's secret is created at runtime under plugboard/${stage}/ with a random ARN suffix; the dispatcher may write there but has no GetSecretValue.`,
    });
  }

  /**
   * Subscriptions are rules on the bus named `plugboard-<stage>-*`, created at runtime, that target
   * the delivery function with the dead-letter queue; EventBridge may invoke it for those rules.
   */
  private allowManagingSubscriptions(role: Role, stage: string, delivery: IFunction): void {
    const rules = this.formatArn({
      service: 'events',
      resource: 'rule',
      // The bus name as a literal, not a reference, so the policy is readable and cdk-nag's finding stable.
      resourceName: `${eventBusName(stage)}/${subscriptionRulePrefix(stage)}*`,
      arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: [
          'events:PutRule',
          'events:DeleteRule',
          'events:DescribeRule',
          'events:PutTargets',
          'events:RemoveTargets',
          'events:ListTargetsByRule',
        ],
        resources: [rules],
      }),
    );
    delivery.addPermission('SubscriptionRules', {
      principal: new ServicePrincipal('events.amazonaws.com'),
      sourceArn: rules,
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn('events', `rule/${eventBusName(stage)}/${subscriptionRulePrefix(stage)}*`)}]`,
      reason: `Subscriptions are created by users at runtime; the prefix ${subscriptionRulePrefix(stage)} on this stage's bus holds only them.`,
    });
  }
}
