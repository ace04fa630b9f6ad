import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { readEnvironment } from '../lib/aws/environment';
import { createEventDelivery, type DeliveryInput, deliveredEvent } from '../lib/aws/event-delivery';
import { awsEventsProps } from '../lib/aws/events-props';
import { awsDispatcherDeps } from '../lib/aws/platform-deps';

const logger = new Logger({ serviceName: 'plugboard-event-delivery' });
const env = readEnvironment();
const deliver = createEventDelivery({
  deps: awsDispatcherDeps(env, (level, message, fields) => logger[level](message, fields ?? {})),
  ...awsEventsProps(env),
});

/** Target of the bus's catch-all rule (built-in reactions) and of every subscription's rule. */
export const handler = middy((input: DeliveryInput) => {
  // The event id follows the event through retries, so it is the correlation id.
  logger.setCorrelationId(deliveredEvent(input).id);
  return deliver(input);
}).use(injectLambdaContext(logger));
