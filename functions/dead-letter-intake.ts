import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import middy from '@middy/core';
import { createDeadLetterIntake } from '../lib/aws/dead-letter-intake';
import { DynamoDbEventStore } from '../lib/aws/dynamodb-event-store';
import { readEnvironment } from '../lib/aws/environment';
import { deadLetterCounter, platformMetrics } from '../lib/aws/platform-metrics';

const logger = new Logger({ serviceName: 'plugboard-dead-letter-intake' });
const env = readEnvironment();
const intake = createDeadLetterIntake({
  store: new DynamoDbEventStore({
    client: new DynamoDBClient({}),
    tableName: env.PLUGBOARD_TABLE_NAME,
    onDeadLetter: deadLetterCounter(platformMetrics(env.PLUGBOARD_STAGE)),
  }),
  stage: env.PLUGBOARD_STAGE,
  log: (level, message, fields) => logger[level](message, fields ?? {}),
});

/** SQS event source of the dead-letter queue, with ReportBatchItemFailures: what is not taken in stays queued. */
export const handler = middy(intake).use(injectLambdaContext(logger));
