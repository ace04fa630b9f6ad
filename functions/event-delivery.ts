import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { readEnvironment } from '../lib/aws/environment';
import { createEventDelivery } from '../lib/aws/event-delivery';
import { awsEventsProps } from '../lib/aws/events-props';
import { awsDispatcherDeps } from '../lib/aws/platform-deps';
import type { PlatformEvent } from '../lib/sdk/events';

const logger = new Logger({ serviceName: 'plugboard-event-delivery' });
const env = readEnvironment();
const deliver = createEventDelivery({
  deps: awsDispatcherDeps(env, (level, message, fields) => logger[level](message, fields ?? {})),
  ...awsEventsProps(env),
});

/** Target of the bus's delivery rule: an EventBridge event in, delivered to every target it has. */
export const handler = middy((event: PlatformEvent) => {
  // The event id follows the event through retries, so it is the correlation id.
  logger.setCorrelationId(event.id);
  return deliver(event);
}).use(injectLambdaContext(logger));
