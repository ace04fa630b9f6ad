import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CachedRegistry } from '../core/cached-registry';
import type { DispatcherDeps, LogFn } from '../core/dispatcher/deps';
import type { SubscriptionRules } from '../core/ports';
import { apiGatewayAuthenticator, apiGatewayRequestId, lambdaDeadline } from './api-gateway-auth';
import { DynamoDbRegistry } from './dynamodb-registry';
import type { PlatformEnvironment } from './environment';
import { EventBridgeBus } from './eventbridge-bus';
import { EventBridgeSubscriptionRules } from './eventbridge-subscription-rules';
import { LambdaInvoker } from './lambda-invoker';
import { SecretsManagerCredentialStore } from './secrets-manager-credential-store';

/**
 * The dispatcher's ports over AWS: DynamoDB, Secrets Manager (write-only), Lambda and EventBridge.
 * The clients every call needs are made at init, which Lambda runs at full CPU; Secrets Manager,
 * needed only to write credentials, is loaded on first use.
 */
export function awsDispatcherDeps(env: PlatformEnvironment, log: LogFn): DispatcherDeps {
  const region = process.env.AWS_REGION ?? 'us-east-1';
  return {
    registry: new CachedRegistry(
      new DynamoDbRegistry({ client: new DynamoDBClient({}), tableName: env.PLUGBOARD_TABLE_NAME }),
      // Warm Lambdas are many and short-lived; a short TTL bounds how stale another one's write can look.
      { ttlMs: 5_000 },
    ),
    credentials: new SecretsManagerCredentialStore({}),
    invoker: new LambdaInvoker({ client: new LambdaClient({}), stage: env.PLUGBOARD_STAGE }),
    bus: new EventBridgeBus({ client: new EventBridgeClient({}), busName: env.PLUGBOARD_BUS_NAME }),
    authenticate: apiGatewayAuthenticator(env.PLUGBOARD_AUTH),
    requestId: apiGatewayRequestId,
    deadline: lambdaDeadline,
    stage: env.PLUGBOARD_STAGE,
    origin: { account: process.env.AWS_ACCOUNT_ID ?? 'unknown', region },
    log,
  };
}

/**
 * Subscriptions as rules on the bus, for the function that creates and deletes them (the
 * dispatcher, whose settings name the delivery function and the DLQ); undefined elsewhere.
 */
export function awsSubscriptionRules(env: PlatformEnvironment): SubscriptionRules | undefined {
  const {
    PLUGBOARD_DELIVERY_FUNCTION_ARN: deliveryFunctionArn,
    PLUGBOARD_DEAD_LETTER_QUEUE_ARN: deadLetterQueueArn,
  } = env;
  if (!deliveryFunctionArn || !deadLetterQueueArn) return undefined;
  return new EventBridgeSubscriptionRules({
    client: new EventBridgeClient({}),
    busName: env.PLUGBOARD_BUS_NAME,
    stage: env.PLUGBOARD_STAGE,
    deliveryFunctionArn,
    deadLetterQueueArn,
  });
}
