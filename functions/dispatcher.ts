import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { readEnvironment } from '../lib/aws/environment';
import { awsEventsProps } from '../lib/aws/events-props';
import { createLambdaDispatcher } from '../lib/aws/lambda-dispatcher';
import { awsDispatcherDeps, awsSubscriptionRules } from '../lib/aws/platform-deps';
import { createEventsPlatform } from '../lib/core/events/events-platform';

const logger = new Logger({ serviceName: 'plugboard-dispatcher' });
const env = readEnvironment();
const deps = awsDispatcherDeps(env, (level, message, fields) => logger[level](message, fields ?? {}));
const events = createEventsPlatform(deps, { ...awsEventsProps(env), rules: awsSubscriptionRules(env) });
const dispatch = createLambdaDispatcher(
  deps,
  { ...events.dispatcher, corsOrigins: env.PLUGBOARD_CORS_ORIGINS },
  () => events.router.mark(),
);

/**
 * HTTP API (payload 2.0) → the dispatcher app; the API Gateway request id is the correlation id.
 * (Set directly: a correlationIdPath would need the optional @aws-lambda-powertools/jmespath package.)
 */
export const handler = middy((event: Parameters<typeof dispatch>[0], context: Context) => {
  const requestContext = event.requestContext as { requestId?: string } | undefined;
  logger.setCorrelationId(requestContext?.requestId);
  return dispatch(event, context);
}).use(injectLambdaContext(logger));
