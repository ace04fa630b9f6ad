import type { Context } from 'aws-lambda';
import { handle } from 'hono/aws-lambda';
import { createDispatcherApp, type DispatcherOptions } from '../core/dispatcher/app';
import type { DispatcherDeps } from '../core/dispatcher/deps';
import { ANSWER_MARGIN_MS } from './api-gateway-auth';

/**
 * The dispatcher as an API Gateway HTTP API (payload 2.0) handler: the same app the local server
 * runs, with API Gateway's request id and its verified caller identity. `settle` waits for work
 * a request started and answered before finishing (a redrive's or replay's deliveries): Lambda
 * freezes the function once it returns, which would leave that work stalled until some later
 * request thawed it, or never done. It waits only as long as the function has left (less the
 * answer's margin): past that Lambda would cut the answer as well, into API Gateway's bare error.
 * What is left then goes on while the environment serves its next requests, if any, which do not
 * wait for it; a redrive's letters stay in the queue until delivered. `settle` is called as a
 * request starts and returns the wait for the work started since (EventRouter.mark).
 */
export function createLambdaDispatcher(
  deps: DispatcherDeps,
  options?: DispatcherOptions,
  settle?: () => () => Promise<void>,
) {
  const dispatch = handle(createDispatcherApp(deps, options));
  if (!settle) return dispatch;
  return async (event: Parameters<typeof dispatch>[0], context: Context) => {
    const started = settle();
    const result = await dispatch(event, context);
    const left = (context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY) - ANSWER_MARGIN_MS;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      started(),
      new Promise<void>((done) => {
        if (Number.isFinite(left)) timer = setTimeout(done, Math.max(0, left));
      }),
    ]).finally(() => clearTimeout(timer));
    return result;
  };
}
