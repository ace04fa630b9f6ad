import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import * as z from 'zod';
import { DynamoDbRegistry } from '../lib/aws/dynamodb-registry';
import { syncPluginManifests } from '../lib/aws/registry-sync';
import { OUTDATED_WARNING } from '../lib/core/instances/outdated-instances';
import { OPTIONAL_HANDLERS } from '../lib/core/ports';
import { REGISTRY_SYNC_PROPERTIES } from '../lib/infra/registry-sync-properties';
import { ManifestSchema } from '../lib/sdk/manifest';

const logger = new Logger();
const registry = new DynamoDbRegistry({
  client: new DynamoDBClient({}),
  tableName: process.env.PLUGBOARD_TABLE_NAME ?? '',
});
const Manifests = z.array(ManifestSchema);
const Handlers = z.record(z.string(), z.array(z.enum(OPTIONAL_HANDLERS)));

/** Custom resource (Provider framework): writes the deployed manifests on create and update. */
export const handler = middy(async (event: CloudFormationCustomResourceEvent) => {
  // Deleting the resource (stack deletion) leaves the retained registry as it is.
  if (event.RequestType !== 'Delete') {
    const manifests = Manifests.parse(
      JSON.parse(event.ResourceProperties[REGISTRY_SYNC_PROPERTIES.manifests]),
    );
    // A stack deployed before handlers were recorded sends none.
    const handlers = Handlers.parse(
      JSON.parse(event.ResourceProperties[REGISTRY_SYNC_PROPERTIES.handlers] ?? '{}'),
    );
    const { outdated, unchecked, ...synced } = await syncPluginManifests(registry, manifests, {
      handlers,
    });
    logger.info('registry synced', synced);
    if (Object.keys(outdated).length > 0)
      logger.warn(OUTDATED_WARNING.message, { outdated, fix: OUTDATED_WARNING.fix });
    if (unchecked) logger.warn(OUTDATED_WARNING.unchecked, { reason: unchecked });
  }
  return { PhysicalResourceId: `plugboard-${process.env.PLUGBOARD_STAGE}-registry-sync` };
}).use(injectLambdaContext(logger));
