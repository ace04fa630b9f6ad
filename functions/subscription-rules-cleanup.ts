import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { removeAllSubscriptionRules } from '../lib/aws/eventbridge-subscription-rules';
import { checkStage } from '../lib/aws/names';

const logger = new Logger();
const client = new EventBridgeClient({});

/** Custom resource (Provider framework): on Delete, removes the stage's subscription rules from the bus. */
export const handler = middy(async (event: CloudFormationCustomResourceEvent) => {
  const stage = checkStage(process.env.PLUGBOARD_STAGE ?? '');
  if (event.RequestType === 'Delete') {
    const busName = String(event.ResourceProperties.BusName);
    const removed = await removeAllSubscriptionRules({ client, busName, stage });
    logger.info('subscription rules removed', { busName, removed: removed.length });
  }
  // The same id on every update: a new one would make CloudFormation delete the old, and run Delete.
  return { PhysicalResourceId: `plugboard-${stage}-subscription-rules-cleanup` };
}).use(injectLambdaContext(logger));
