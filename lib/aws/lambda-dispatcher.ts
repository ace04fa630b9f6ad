import { handle } from 'hono/aws-lambda';
import { createDispatcherApp, type DispatcherOptions } from '../core/dispatcher/app';
import type { DispatcherDeps } from '../core/dispatcher/deps';

/**
 * The dispatcher as an API Gateway HTTP API (payload 2.0) handler: the same app the local server
 * runs, with API Gateway's request id and its verified caller identity. `settle` waits for work
 * a request started and answered before finishing (a redrive's or replay's deliveries): Lambda
 * freezes the function once it returns, which would leave that work stalled until some later
 * request thawed it, or never done.
 */
export function createLambdaDispatcher(
  deps: DispatcherDeps,
  options?: DispatcherOptions,
  settle?: () => Promise<void>,
) {
  const dispatch = handle(createDispatcherApp(deps, options));
  if (!settle) return dispatch;
  return async (...args: Parameters<typeof dispatch>) => {
    const result = await dispatch(...args);
    await settle();
    return result;
  };
}
