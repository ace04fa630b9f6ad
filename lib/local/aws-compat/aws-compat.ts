import type { EventBridgeEndpointProps } from './eventbridge-endpoint';
import { eventBridgeEndpoint } from './eventbridge-endpoint';
import type { LambdaEndpointProps } from './lambda-endpoint';
import { lambdaEndpoint } from './lambda-endpoint';

export type AwsCompatProps = LambdaEndpointProps & EventBridgeEndpointProps;

type Fetch = (request: Request, ...rest: never[]) => Response | Promise<Response>;

/**
 * Serves Lambda's and EventBridge's APIs beside the dispatcher on one port, so both
 * `AWS_ENDPOINT_URL_LAMBDA` and `AWS_ENDPOINT_URL_EVENTBRIDGE` can be the platform's URL. Neither
 * collides with `/v1`: Lambda's paths start with its API version, and EventBridge posts to `/`
 * with an `X-Amz-Target` header.
 */
export function withAwsCompat<F extends Fetch>(dispatcher: F, props: AwsCompatProps): F {
  const lambda = lambdaEndpoint(props);
  const eventBridge = eventBridgeEndpoint(props);
  return ((request: Request, ...rest: never[]) => {
    const path = pathOf(request.url);
    if (path.startsWith('/2015-03-31/')) return lambda.fetch(request);
    if ((path === '/' || path.startsWith('/?')) && request.headers.has('x-amz-target'))
      return eventBridge.fetch(request);
    return dispatcher(request, ...rest);
  }) as F;
}

/** The path and query of an absolute URL, read without parsing it (a URL object per request costs). */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  return start === -1 ? '/' : url.slice(start);
}
