import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ArnFormat, Duration, Stack, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { pluginFunctionName } from '../aws/names';
import { storePartitionPattern } from '../aws/registry-table';
import { pluginEntrySource } from '../bundle/plugin-bundle';
import { credentialsPrefix, type OptionalHandler } from '../core/ports';
import { pluginSource } from '../sdk/events';
import type { Manifest } from '../sdk/manifest';
import { BundledFunction } from './bundled-function';
import { nagArn } from './nag';
import { PROJECT_ROOT } from './project-root';

/** What a deployment needs of a loaded plugin (a subset of the loader's LoadedPlugin). */
export interface DeployedPlugin {
  readonly manifest: Manifest;
  /** Absolute path of the plugin's index.ts (default export of definePlugin). */
  readonly entry: string;
  /**
   * The optional handlers it has (`http`, `events`, `authorizer`, `preHook`), recorded in the
   * registry so that a guard or a subscription needing one it lacks is refused when made.
   * @default - not recorded: such guards and subscriptions are accepted and fail when they run
   */
  readonly handlers?: readonly OptionalHandler[];
}

export interface PluginFunctionProps {
  /** The stage (see STAGE_PATTERN): it goes into the names of what this makes. */
  readonly stage: string;
  /** The plugin this function serves: its manifest and the module that exports it. */
  readonly plugin: DeployedPlugin;
  /** The registry table, of which the plugin may touch only its own storage partitions. */
  readonly table: ITableV2;
  /** The platform bus, where the plugin may publish only under its own source. */
  readonly bus: IEventBus;
  /**
   * The Lambda glue: a module exporting `serve(plugin)`, which returns the handler.
   * @default functions/plugin-runtime.ts of this project
   */
  readonly runtimeModule?: string;
  /**
   * Where the generated Lambda entries are written (never committed).
   * @default cdk.out/plugin-entries of this project
   */
  readonly entriesDir?: string;
  /**
   * How long the plugin's function keeps its logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/** Lambda's limit on function names. */
const MAX_FUNCTION_NAME = 64;

/**
 * One plugin as its own Lambda: the entry is generated from the plugin's default export, so authors
 * never write Lambda glue. Its role reads only its own secrets (`plugboard/<stage>/<slug>/*`), uses
 * only its own storage partitions and publishes only as `plugboard.plugin.<slug>`.
 */
export class PluginFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: PluginFunctionProps) {
    super(scope, id);
    const { manifest } = props.plugin;
    const { slug } = manifest;
    const functionName = pluginFunctionName(props.stage, slug);
    if (functionName.length > MAX_FUNCTION_NAME) {
      throw new Error(
        `plugin "${slug}": its function name ${functionName} is over Lambda's ${MAX_FUNCTION_NAME} characters; use a shorter slug or stage`,
      );
    }
    const bundled = new BundledFunction(this, 'Bundled', {
      entry: writeLambdaEntry(
        slug,
        props.plugin.entry,
        props.runtimeModule ?? join(PROJECT_ROOT, 'functions', 'plugin-runtime.ts'),
        props.entriesDir ?? join(PROJECT_ROOT, 'cdk.out', 'plugin-entries'),
      ),
      stage: props.stage,
      serviceName: `plugboard-plugin-${slug}`,
      functionName,
      description: `Plugboard plugin ${slug} ${manifest.version}`,
      memorySize: manifest.memoryMb,
      timeout: Duration.seconds(manifest.timeoutSeconds),
      logRetention: props.logRetention,
      environment: {
        PLUGBOARD_TABLE_NAME: props.table.tableName,
        PLUGBOARD_BUS_NAME: props.bus.eventBusName,
      },
    });
    this.function = bundled.function;
    const role = bundled.role;
    const secrets = Stack.of(this).formatArn({
      service: 'secretsmanager',
      resource: 'secret',
      resourceName: `${credentialsPrefix(props.stage, slug)}*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    role.addToPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secrets] }),
    );
    role.addToPolicy(
      new PolicyStatement({
        // What DynamoDbRegistry's store methods use, and no more.
        actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
        resources: [props.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [storePartitionPattern(slug)] } },
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [props.bus.eventBusArn],
        conditions: { StringEquals: { 'events:source': [pluginSource(slug)] } },
      }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArn('secretsmanager', `secret:${credentialsPrefix(props.stage, slug)}*`)}]`,
      reason: `Secrets are created per instance at runtime and their ARNs end in a random suffix, so the grant names the prefix plugboard/${props.stage}/${slug}/ that holds only this plugin's instances.`,
    });
  }
}

/** Writes the glue entry, the same source the local workers are built from (lib/bundle). */
function writeLambdaEntry(
  slug: string,
  pluginEntry: string,
  runtimeModule: string,
  entriesDir: string,
): string {
  mkdirSync(entriesDir, { recursive: true });
  const file = join(entriesDir, `${slug}.ts`);
  writeFileSync(file, pluginEntrySource(pluginEntry, runtimeModule, entriesDir));
  return file;
}
