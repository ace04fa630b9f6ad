import * as z from 'zod';
import { type JsonSchema, manifestJsonSchema } from '../../../sdk/json-schema';
import type { App, RouteContext } from '../env';
import { asComponents, openApiDocument } from '../openapi-document';
import { createRoute } from '../route-config';
import { json, problems } from '../schemas';

const health = createRoute({
  method: 'get',
  path: '/v1/health',
  summary: 'Liveness; needs no authentication',
  security: [],
  responses: { 200: json(z.object({ status: z.literal('ok') }), 'The dispatcher is serving') },
});

const { 400: badQuery } = problems();
const document = createRoute({
  method: 'get',
  path: '/v1/openapi.json',
  summary: 'This document: the API in OpenAPI 3.1; needs no authentication',
  security: [],
  responses: {
    200: json(z.record(z.string(), z.unknown()), 'The OpenAPI document'),
    400: badQuery!,
  },
});

export function registerSystemRoutes(app: App, _ctx: RouteContext): void {
  app.openapi(health, (c) => c.json({ status: 'ok' as const }, 200));
  // Made on the first read, when every route is added, not at start: the manifest's JSON Schema
  // alone takes ~25 ms, which every cold start of the dispatcher function would pay.
  let described: object | undefined;
  app.openapi(document, (c) => {
    described ??= openApiDocument(app.described, {
      info: { title: 'Plugboard', version: '1', description: 'Serverless plugin-function platform API' },
      schemas: manifestComponents(),
    });
    return c.json(described, 200);
  });
}

/** The route definitions, whose zod schemas type the API client (plugboard/client). */
export const systemRoutes = { health };

/**
 * The manifest's JSON Schema (from the zod schema the loader uses) as OpenAPI components:
 * `Manifest`, and each of its `$defs` beside it, its references moved to where they now live.
 */
function manifestComponents(): Record<string, JsonSchema> {
  const { schema, defs } = asComponents(manifestJsonSchema(), (def) => `Manifest${def}`);
  return { Manifest: schema, ...defs };
}
