/** The API's scopes (DESIGN.md §5); with a JWT authorizer, a route accepts a token holding any of its scopes. */
export const API_SCOPES = ['admin', 'invoke', 'publish'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';

export interface ApiRoute {
  readonly path: string;
  readonly methods: readonly RouteMethod[];
  /** Scopes of which a JWT needs one; `open` routes have no authorizer (webhooks check an HMAC). */
  readonly scopes: readonly ApiScope[] | 'open';
}

const any: readonly ApiScope[] = ['admin', 'invoke', 'publish'];
const admin: readonly ApiScope[] = ['admin'];
const invoke: readonly ApiScope[] = ['admin', 'invoke'];
const publish: readonly ApiScope[] = ['admin', 'publish'];

/** Every path of DESIGN.md §5, each routed to the dispatcher. */
export const API_ROUTES: readonly ApiRoute[] = [
  { path: '/v1/plugins', methods: ['GET'], scopes: any },
  { path: '/v1/plugins/{slug}', methods: ['GET'], scopes: any },
  { path: '/v1/plugins/{slug}/docs', methods: ['GET'], scopes: any },
  { path: '/v1/plugins/{slug}/template', methods: ['GET'], scopes: any },
  { path: '/v1/instances', methods: ['GET'], scopes: invoke },
  { path: '/v1/instances', methods: ['POST'], scopes: admin },
  { path: '/v1/instances/{name}', methods: ['GET'], scopes: invoke },
  { path: '/v1/instances/{name}', methods: ['PATCH', 'DELETE'], scopes: admin },
  { path: '/v1/instances/{name}/credentials', methods: ['GET', 'PUT', 'DELETE'], scopes: admin },
  { path: '/v1/instances/{name}/operations/{operation}', methods: ['POST'], scopes: invoke },
  { path: '/v1/instances/{name}/actions/{action}', methods: ['POST'], scopes: invoke },
  { path: '/v1/plugin-apis/{instance}/{proxy+}', methods: ['ANY'], scopes: invoke },
  { path: '/v1/events', methods: ['POST'], scopes: publish },
  { path: '/v1/events/test-pattern', methods: ['POST'], scopes: any },
  { path: '/v1/events/log', methods: ['GET'], scopes: admin },
  { path: '/v1/subscriptions', methods: ['GET', 'POST', 'DELETE'], scopes: admin },
  { path: '/v1/webhooks/{source}', methods: ['POST'], scopes: 'open' },
  { path: '/v1/webhooks/{source}/deliveries', methods: ['GET'], scopes: admin },
  { path: '/v1/openapi.json', methods: ['GET'], scopes: any },
  { path: '/v1/health', methods: ['GET'], scopes: 'open' },
];
