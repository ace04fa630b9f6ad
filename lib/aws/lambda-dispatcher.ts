import { handle } from 'hono/aws-lambda';
import { createDispatcherApp, type DispatcherOptions } from '../core/dispatcher/app';
import type { DispatcherDeps } from '../core/dispatcher/deps';

/**
 * The dispatcher as an API Gateway HTTP API (payload 2.0) handler: the same app the local server
 * runs, with API Gateway's request id and its verified caller identity.
 */
export function createLambdaDispatcher(deps: DispatcherDeps, options?: DispatcherOptions) {
  return handle(createDispatcherApp(deps, options));
}
