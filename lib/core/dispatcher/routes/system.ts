import * as z from 'zod';
import type { App, RouteContext } from '../env';
import { createRoute } from '../route-config';
import { json } from '../schemas';

const health = createRoute({
  method: 'get',
  path: '/v1/health',
  summary: 'Liveness; needs no authentication',
  security: [],
  responses: { 200: json(z.object({ status: z.literal('ok') }), 'The dispatcher is serving') },
});

export function registerSystemRoutes(app: App, _ctx: RouteContext): void {
  app.openapi(health, (c) => c.json({ status: 'ok' as const }, 200));
}

/** The route definitions, whose zod schemas type the API client (plugboard/client). */
export const systemRoutes = { health };
