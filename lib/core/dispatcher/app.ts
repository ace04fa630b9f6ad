import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { PlugboardError } from '../../sdk/errors';
import { MAX_PAYLOAD_BYTES } from '../envelope';
import type { Scope } from '../http/auth';
import { CorsPolicy } from '../http/cors';
import { problemResponse, toProblem } from '../http/problem';
import { type DependentsOf, InstanceService } from '../instances/instance-service';
import { type CallGuard, InvocationService } from '../invocation/invocation-service';
import type { EventBus } from '../ports';
import { allowedMethods, MethodNotAllowedError } from './allowed-methods';
import type { DispatcherDeps } from './deps';
import type { App, AppEnv, RouteContext } from './env';
import { registerCallRoutes } from './routes/calls';
import { registerInstanceRoutes } from './routes/instances';
import { registerPluginApiRoutes } from './routes/plugin-apis';
import { registerPluginRoutes } from './routes/plugins';
import { registerSystemRoutes } from './routes/system';
import { ValidatedApp } from './validated-app';

/** Paths that answer without authentication: liveness, the API description, and HMAC-verified webhooks. */
const OPEN_PATHS = [/^\/v1\/health$/, /^\/v1\/openapi\.json$/, /^\/v1\/webhooks\/[^/]+$/];
const isOpenPath = (path: string): boolean => OPEN_PATHS.some((open) => open.test(path));

/** The scope a request needs, by method and path; reads need only to be authenticated. */
function requiredScope(method: string, path: string): Scope | undefined {
  if (/^\/v1\/instances\/[^/]+\/(operations|actions)\//.test(path) || path.startsWith('/v1/plugin-apis/'))
    return 'invoke';
  if (path === '/v1/events' && method === 'POST') return 'publish';
  if (method === 'GET' || method === 'HEAD' || path === '/v1/events/test-pattern') return undefined;
  return 'admin';
}

export type RouteModule = (app: App, ctx: RouteContext) => void;

export interface DispatcherOptions {
  /** Route modules added by other parts of the platform (events, webhooks). */
  modules?: RouteModule[];
  guard?: CallGuard;
  /** What depends on an instance (subscriptions, guards); an instance with dependents is not deleted. @default none */
  dependentsOf?: DependentsOf;
  /**
   * The bus for the platform's own events (instance writes, Operation events), which keeps what the
   * bus refuses for a redrive (`parkingBus`). @default the bus of the deps: a refusal is the answer
   */
  announcements?: EventBus;
  /**
   * Origins of browser apps allowed to call the API (`https://console.example.com`); the same list
   * as API Gateway's CORS configuration on AWS. @default none: no CORS headers, OPTIONS is a 405
   */
  corsOrigins?: readonly string[];
}

/** The one HTTP application, served by @hono/node-server locally and by hono/aws-lambda on AWS. */
export function createDispatcherApp(deps: DispatcherDeps, options: DispatcherOptions = {}): App {
  const app: App = new ValidatedApp();
  const cors = options.corsOrigins?.length ? new CorsPolicy(options.corsOrigins) : undefined;

  const authorize = async (c: Context<AppEnv>) => {
    if (isOpenPath(c.req.path)) return;
    const principal = await deps.authenticate(c);
    if (!principal) {
      throw new PlugboardError(
        'Unauthenticated',
        c.req.header('authorization') === undefined
          ? 'send Authorization: Bearer <token>'
          : "the Authorization header was not accepted: send Authorization: Bearer <token> with this platform's token",
      );
    }
    const scope = requiredScope(c.req.method, c.req.path);
    if (scope && !principal.scopes.has(scope)) {
      throw new PlugboardError('Forbidden', `this call needs the "${scope}" scope`);
    }
    c.set('principal', principal);
  };
  const tooLarge = () => {
    throw new PlugboardError('PayloadTooLarge', "the request body is larger than Lambda's 6 MB limit");
  };
  const countedLimit = bodyLimit({ maxSize: MAX_PAYLOAD_BYTES, onError: tooLarge });
  // One middleware, not one per check: each level of Hono's chain is an async call per request.
  app.use(async (c, next) => {
    const requestId = deps.requestId?.(c) ?? randomUUID();
    c.set('requestId', requestId);
    c.set('deadline', deps.deadline?.(c));
    // Before authorizing: a browser sends no token on a preflight.
    if (cors?.isPreflight(c.req.method, c.req.raw.headers)) {
      const answer = cors.preflight(c.req.raw.headers);
      answer.headers.set('x-request-id', requestId);
      return answer;
    }
    await authorize(c);
    // A declared length is checked from the header (the HTTP parser holds the body to it); only a
    // chunked body is counted as it streams, because that turns the request into a web Request
    // with its own AbortController, which cost a tenth of the invoke path.
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(length) > MAX_PAYLOAD_BYTES) tooLarge();
      await next();
    } else {
      await countedLimit(c, next);
    }
    // On the response's headers, not c.header(): once a response exists, c.header() rebuilds it
    // around a web stream, which cost ~10% of the invoke path. An answer made with it has it.
    if (c.get('requestIdAnswer') !== c.res) c.res.headers.set('x-request-id', requestId);
    cors?.decorate(c.req.raw.headers, c.res.headers);
  });

  const announcing = options.announcements ? { ...deps, bus: options.announcements } : deps;
  const instances = new InstanceService(announcing, options.dependentsOf);
  const ctx: RouteContext = {
    deps,
    instances,
    invocations: new InvocationService(announcing, options.guard),
  };
  for (const register of [
    registerSystemRoutes,
    registerPluginRoutes,
    registerInstanceRoutes,
    registerCallRoutes,
    registerPluginApiRoutes,
    ...(options.modules ?? []),
  ]) {
    register(app, ctx);
  }

  const allowedAt = allowedMethods(app);
  app.notFound((c) => {
    const allowed = allowedAt(c.req.path);
    if (allowed.length > 0) throw new MethodNotAllowedError(c.req.method, c.req.path, allowed);
    throw new PlugboardError('NotFound', `no route for ${c.req.method} ${c.req.path}`);
  });
  app.onError((error, c) => {
    const problem = toProblem(error, c.get('requestId') ?? randomUUID());
    // Internal is the platform's own fault (a corrupted record, a broken deployment), which someone
    // must mend: logged, whether thrown as such or unexpected.
    if (problem.code === 'Internal') {
      deps.log?.('error', 'internal error in the dispatcher', {
        requestId: problem.requestId,
        error: String(error),
      });
    }
    const response = problemResponse(problem);
    response.headers.set('x-request-id', problem.requestId);
    if (error instanceof MethodNotAllowedError) response.headers.set('allow', error.allowed.join(', '));
    // The challenge RFC 9110 §11.6.1 requires of a 401, where a token is what was missing: a
    // webhook is refused for its signature, which no Authorization header would mend. A token that
    // was sent and refused is named so (RFC 6750 §3.1); a request that sent none gets no error code.
    if (problem.status === 401 && !isOpenPath(c.req.path)) {
      const refused = c.req.header('authorization') === undefined ? '' : ', error="invalid_token"';
      response.headers.set('www-authenticate', `Bearer realm="plugboard"${refused}`);
    }
    // A body refused unread would be left on a kept-alive connection, and the server drops the
    // connection under the client's next request: tell the client to use a new one instead.
    if (c.req.raw.body && !c.req.raw.bodyUsed) response.headers.set('connection', 'close');
    cors?.decorate(c.req.raw.headers, response.headers);
    return response;
  });
  return app;
}
