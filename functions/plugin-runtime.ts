import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { readEnvironment } from '../lib/aws/environment';
import { awsRuntimeServices } from '../lib/aws/runtime-services';
import { runEnvelope } from '../lib/core/runtime/run-envelope';
import type { PluginDefinition } from '../lib/sdk/define-plugin';

/**
 * The glue a plugin's Lambda bundle is built with (see lib/bundle/plugin-bundle.ts): the event is an
 * envelope, the result an answer. Credentials and secrets stay inside runEnvelope's redaction.
 */
export function serve(plugin: PluginDefinition) {
  const logger = new Logger({ serviceName: `plugboard-plugin-${String(plugin.manifest.slug)}` });
  const services = awsRuntimeServices(readEnvironment(), ({ level, message, fields, ...where }) =>
    logger[level](message, { ...where, ...(fields ? { fields } : {}) }),
  );
  return middy((event: unknown) => runEnvelope(plugin, event, services)).use(injectLambdaContext(logger));
}
