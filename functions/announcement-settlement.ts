import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import middy from '@middy/core';
import { DynamoDbRegistry } from '../lib/aws/dynamodb-registry';
import { readEnvironment } from '../lib/aws/environment';
import { EventBridgeBus } from '../lib/aws/eventbridge-bus';
import { platformMetrics, publishSettlement } from '../lib/aws/platform-metrics';
import { SecretsManagerCredentialStore } from '../lib/aws/secrets-manager-credential-store';
import type { LogFn } from '../lib/core/dispatcher/deps';
import { settleAnnouncements } from '../lib/core/instances/announcements';

const logger = new Logger({ serviceName: 'plugboard-announcement-settlement' });
const env = readEnvironment();
const settleAfterSeconds = env.PLUGBOARD_SETTLE_AFTER_SECONDS;
if (settleAfterSeconds === undefined)
  throw new Error('the function is missing PLUGBOARD_SETTLE_AFTER_SECONDS');
const deps = {
  registry: new DynamoDbRegistry({ client: new DynamoDBClient({}), tableName: env.PLUGBOARD_TABLE_NAME }),
  bus: new EventBridgeBus({ client: new EventBridgeClient({}), busName: env.PLUGBOARD_BUS_NAME }),
  // What a delete that died left behind is removed here: loaded only when there is some.
  credentials: new SecretsManagerCredentialStore({}),
  stage: env.PLUGBOARD_STAGE,
  log: ((level, message, fields) => logger[level](message, fields ?? {})) satisfies LogFn,
};

const metrics = platformMetrics(env.PLUGBOARD_STAGE);

/** Scheduled: publishes the events of instance writes whose function died before it published them. */
export const handler = middy(async () => {
  const settled = await settleAnnouncements(deps, settleAfterSeconds * 1000);
  publishSettlement(metrics, settled);
  return settled;
}).use(injectLambdaContext(logger));
