import { Logger } from '@aws-lambda-powertools/logger';
import { correlationPaths, search } from '@aws-lambda-powertools/logger/correlationId';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { readEnvironment } from '../lib/aws/environment';
import { createLambdaDispatcher } from '../lib/aws/lambda-dispatcher';
import { awsDispatcherDeps } from '../lib/aws/platform-deps';

const logger = new Logger({ serviceName: 'plugboard-dispatcher', correlationIdSearchFn: search });
const dispatch = createLambdaDispatcher(
  awsDispatcherDeps(readEnvironment(), (level, message, fields) => logger[level](message, fields ?? {})),
);

/** HTTP API (payload 2.0) → the dispatcher app; the API Gateway request id is the correlation id. */
export const handler = middy(dispatch).use(
  injectLambdaContext(logger, { correlationIdPath: correlationPaths.API_GATEWAY_HTTP }),
);
