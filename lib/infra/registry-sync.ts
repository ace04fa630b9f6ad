import { createHash } from 'node:crypto';
import { Duration } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { OptionalHandler } from '../core/ports';
import type { Manifest } from '../sdk/manifest';
import { BundledFunction } from './bundled-function';
import { grantRegistry } from './grant-registry';
import { handledCustomResource } from './handled-custom-resource';
import { REGISTRY_SYNC_PROPERTIES } from './registry-sync-properties';

export interface RegistrySyncProps {
  /** The stage (see STAGE_PATTERN): it goes into the names of what this makes. */
  readonly stage: string;
  /** The registry table, where the manifests are written. */
  readonly table: ITableV2;
  /** The custom resource handler (functions/registry-sync.ts). */
  readonly entry: string;
  /** Manifests of every deployed plugin; plugins in the registry but not here are marked removed. */
  readonly manifests: readonly Manifest[];
  /**
   * The optional handlers of each deployed plugin, by slug (see `PluginRecord.handlers`).
   * @default - none recorded
   */
  readonly handlers?: Readonly<Record<string, readonly OptionalHandler[]>>;
  /**
   * How long the custom resource (its handler and the Provider framework) keeps its logs.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
}

/**
 * Writes the manifests into the registry on deploy. The manifests travel as one JSON string
 * (CloudFormation turns numbers and booleans in properties into strings); their hash is a property
 * of its own so that a change of any manifest is visible in `cdk diff` and re-runs the sync.
 */
export class RegistrySync extends Construct {
  constructor(scope: Construct, id: string, props: RegistrySyncProps) {
    super(scope, id);
    const handler = new BundledFunction(this, 'Handler', {
      entry: props.entry,
      stage: props.stage,
      serviceName: 'plugboard-registry-sync',
      description: 'Plugboard: writes plugin manifests into the registry on deploy',
      timeout: Duration.minutes(2),
      logRetention: props.logRetention,
      environment: { PLUGBOARD_TABLE_NAME: props.table.tableName },
    });
    grantRegistry(props.table, handler.role);

    const manifests = JSON.stringify(props.manifests);
    const handlers = JSON.stringify(props.handlers ?? {});
    handledCustomResource(this, {
      handler,
      handlerName: 'registry-sync',
      resourceType: 'Custom::PlugboardRegistrySync',
      properties: {
        [REGISTRY_SYNC_PROPERTIES.manifests]: manifests,
        [REGISTRY_SYNC_PROPERTIES.handlers]: handlers,
        [REGISTRY_SYNC_PROPERTIES.hash]: createHash('sha256')
          .update(manifests)
          .update(handlers)
          .digest('hex'),
      },
      logRetention: props.logRetention,
    });
  }
}
