import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import { DynamoDbEventStore } from '../lib/aws/dynamodb-event-store';
import { readEnvironment } from '../lib/aws/environment';
import { createEventDelivery } from '../lib/aws/event-delivery';
import { awsDispatcherDeps } from '../lib/aws/platform-deps';
import { SecretsManagerCredentialResolver } from '../lib/aws/secrets-manager-credential-store';
import type { PlatformEvent } from '../lib/sdk/events';

const logger = new Logger({ serviceName: 'plugboard-event-delivery' });
const env = readEnvironment();
const deliver = createEventDelivery({
  deps: awsDispatcherDeps(env, (level, message, fields) => logger[level](message, fields ?? {})),
  store: new DynamoDbEventStore({ client: new DynamoDBClient({}), tableName: env.PLUGBOARD_TABLE_NAME }),
  webhookSecrets: new SecretsManagerCredentialResolver({ client: new SecretsManagerClient({}) }),
});

/** Target of the bus's delivery rule: an EventBridge event in, delivered to every target it has. */
export const handler = middy((event: PlatformEvent) => {
  // The event id follows the event through retries, so it is the correlation id.
  logger.setCorrelationId(event.id);
  return deliver(event);
}).use(injectLambdaContext(logger));
