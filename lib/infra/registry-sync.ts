import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { CustomResource, Duration, Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { Manifest } from '../sdk/manifest';
import { BundledFunction } from './bundled-function';
import { PROJECT_ROOT } from './project-root';
import { REGISTRY_SYNC_PROPERTIES } from './registry-sync-properties';

export interface RegistrySyncProps {
  readonly stage: string;
  readonly table: ITableV2;
  /** Manifests of every deployed plugin; plugins in the registry but not here are marked removed. */
  readonly manifests: readonly Manifest[];
  /**
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
      entry: join(PROJECT_ROOT, 'functions', 'registry-sync.ts'),
      stage: props.stage,
      serviceName: 'plugboard-registry-sync',
      description: 'Plugboard: writes plugin manifests into the registry on deploy',
      timeout: Duration.minutes(2),
      logRetention: props.logRetention,
      environment: { PLUGBOARD_TABLE_NAME: props.table.tableName },
    });
    props.table.grantReadWriteData(handler.role);

    const provider = new Provider(this, 'Provider', {
      onEventHandler: handler.function,
      logRetention: props.logRetention,
    });
    const manifests = JSON.stringify(props.manifests);
    new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::PlugboardRegistrySync',
      properties: {
        [REGISTRY_SYNC_PROPERTIES.manifests]: manifests,
        [REGISTRY_SYNC_PROPERTIES.hash]: createHash('sha256').update(manifests).digest('hex'),
      },
    });
    Validations.of(provider).acknowledge({ id: 'x', reason: 'y' });
  }
}
