import { type App, type Environment, Tags } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { checkStage } from '../aws/names';
import { corsOriginList } from '../core/http/cors';
import type { JwtAuthOptions } from './platform-api';
import type { DeployedPlugin } from './plugin-function';
import { StatefulStack } from './stateful-stack';
import { StatelessStack } from './stateless-stack';

export interface PlatformProps {
  /** Lower-case letters and digits, 1-16 (see STAGE_PATTERN); it goes into every name. */
  readonly stage: string;
  /** The plugins to deploy, each as a function of its own (the loader's `loaded` plugins, as bin/app.ts passes them). */
  readonly plugins: readonly DeployedPlugin[];
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
   * The account and region of both stacks.
   * @default - environment-agnostic stacks (account and region come from the deploying credentials)
   */
  readonly env?: Environment;
  /**
   * Folder of the Lambda entries.
   * @default functions/ of this project
   */
  readonly functionsDir?: string;
  /**
   * How long every log group of both stacks keeps its logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * The ARN of an SNS topic the platform's alarms notify.
   * @default - no action: the alarms only change state
   */
  readonly alarmTopicArn?: string;
}

/**
 * Both stacks of one stage: `PlugboardStateful-<stage>` and `PlugboardStateless-<stage>`. (Names that
 * CloudFormation generates from them never start with `plugboard-<stage>-`, the plugin functions' prefix.)
 */
export function buildPlatform(
  app: App,
  props: PlatformProps,
): { stateful: StatefulStack; stateless: StatelessStack } {
  const stage = checkStage(props.stage);
  const stateful = new StatefulStack(app, `PlugboardStateful-${stage}`, {
    stage,
    env: props.env,
    description: `Plugboard ${stage}: registry table, event bus, dead-letter queue`,
    functionsDir: props.functionsDir,
    logRetention: props.logRetention,
    alarmTopicArn: props.alarmTopicArn,
  });
  const stateless = new StatelessStack(app, `PlugboardStateless-${stage}`, {
    stage,
    env: props.env,
    description: `Plugboard ${stage}: HTTP API, dispatcher, plugin functions, event delivery`,
    plugins: props.plugins,
    table: stateful.table,
    bus: stateful.bus,
    deadLetterQueue: stateful.deadLetterQueue,
    jwt: props.jwt,
    corsOrigins: props.corsOrigins,
    functionsDir: props.functionsDir,
    logRetention: props.logRetention,
    alarmTopicArn: props.alarmTopicArn,
  });
  Tags.of(stateful).add('plugboard:stage', stage);
  Tags.of(stateless).add('plugboard:stage', stage);
  return { stateful, stateless };
}

/** `-c stage=<name>` (default `dev`), checked before anything is built. */
export function stageFromContext(app: App): string {
  return checkStage(String(app.node.tryGetContext('stage') ?? 'dev'));
}

/** `-c corsOrigins=<origin>[,<origin>]` lets browser apps on those origins call the API. */
export function corsOriginsFromContext(app: App): string[] | undefined {
  const origins = app.node.tryGetContext('corsOrigins');
  if (origins === undefined) return undefined;
  if (typeof origins !== 'string') throw new Error('-c corsOrigins takes origins separated by commas');
  return corsOriginList(origins);
}

/** `-c jwtIssuer=<url> -c jwtAudience=<id>[,<id>] [-c jwtScopePrefix=<prefix>]` switches the API to JWT. */
export function jwtFromContext(app: App): JwtAuthOptions | undefined {
  const issuer = app.node.tryGetContext('jwtIssuer');
  const audience = app.node.tryGetContext('jwtAudience');
  if (issuer === undefined && audience === undefined) return undefined;
  if (
    typeof issuer !== 'string' ||
    !issuer.startsWith('https://') ||
    typeof audience !== 'string' ||
    !audience
  ) {
    throw new Error(
      'JWT auth needs both -c jwtIssuer=https://... and -c jwtAudience=<client id>[,<client id>]',
    );
  }
  const scopePrefix = app.node.tryGetContext('jwtScopePrefix');
  return {
    issuer,
    audience: audience.split(',').map((value) => value.trim()),
    scopePrefix: typeof scopePrefix === 'string' ? scopePrefix : undefined,
  };
}

// An SNS topic's ARN: partition, region, twelve-digit account, then the topic's name.
const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/**
 * `-c alarmTopicArn=<arn>` has the alarms notify that SNS topic. A topic's bare name or another
 * service's ARN is refused here, naming the key: CloudFormation would refuse it only minutes into
 * the deploy, after the stateful stack is done.
 */
export function alarmTopicArnFromContext(app: App): string | undefined {
  const arn = app.node.tryGetContext('alarmTopicArn');
  if (arn === undefined) return undefined;
  if (typeof arn !== 'string' || !SNS_TOPIC_ARN.test(arn)) {
    throw new Error(
      `-c alarmTopicArn takes an SNS topic's ARN, arn:aws:sns:<region>:<account>:<topic>; got ${JSON.stringify(arn)}`,
    );
  }
  return arn;
}

// The day counts CloudWatch Logs keeps logs for; INFINITE is CDK's stand-in for "never expire", no count.
const RETENTION_DAYS = Object.values(RetentionDays).filter(
  (days): days is RetentionDays => typeof days === 'number' && days !== RetentionDays.INFINITE,
);

/**
 * `-c logRetention=<days>` keeps every log group's logs that many days, `-c logRetention=infinite`
 * for ever. A count CloudWatch Logs does not take is refused here, naming the key: CloudFormation
 * would refuse it only mid-deploy.
 */
export function logRetentionFromContext(app: App): RetentionDays | undefined {
  const value = app.node.tryGetContext('logRetention');
  if (value === undefined) return undefined;
  if (value === 'infinite') return RetentionDays.INFINITE;
  // The CLI hands `-c` values over as strings, cdk.json as numbers.
  const days =
    typeof value === 'string' || typeof value === 'number'
      ? RETENTION_DAYS.find((allowed) => String(allowed) === String(value))
      : undefined;
  if (days === undefined) {
    throw new Error(
      `-c logRetention takes one of ${RETENTION_DAYS.join(', ')} (days) or infinite; got ${JSON.stringify(value)}`,
    );
  }
  return days;
}
