import { z } from '@hono/zod-openapi';
import { PlugboardError } from '../../../sdk/errors';
import type { SerializedResponse } from '../../envelope';
import { INSTANCE_NAME } from '../../instances/instance-service';
import type { App, RouteContext } from '../env';
import { problems } from '../schemas';

const PREFIX = '/v1/plugin-apis/';
/** The methods described in the OpenAPI document; the route passes any. */
const PASSED_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/** Headers that are about this hop or about the caller's identity, never passed to a plugin. */
const DROPPED_HEADERS = new Set([
  'authorization',
  'cookie',
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
]);

export function registerPluginApiRoutes(app: App, { invocations }: RouteContext): void {
  app.all('/v1/plugin-apis/:instance/*', async (c) => {
    const name = c.req.param('instance');
    if (!INSTANCE_NAME.test(name))
      throw new PlugboardError('Validation', 'the instance name in the path is not valid');
    const { instance, manifest } = await invocations.resolve(name);
    const url = new URL(c.req.url);
    const path = url.pathname.slice(PREFIX.length + name.length) || '/';
    const headers = Object.fromEntries([...c.req.raw.headers].filter(([k]) => !DROPPED_HEADERS.has(k)));
    const body = ['GET', 'HEAD'].includes(c.req.method)
      ? undefined
      : Buffer.from(await c.req.arrayBuffer()).toString('base64');
    const input = { method: c.req.method, path, query: url.search.slice(1), headers, body };
    const answer = (await invocations.run(
      { instance, manifest, requestId: c.get('requestId') },
      'http',
      'http',
      input,
    )) as SerializedResponse;
    return new Response(c.req.method === 'HEAD' ? null : Buffer.from(answer.body, 'base64'), {
      status: answer.status,
      headers: answer.headers,
    });
  });
  // Every method a client may send is described, each with both path parameters, which OpenAPI
  // requires declared even where, as with `proxy`, the value spans several segments.
  for (const method of PASSED_METHODS)
    app.openAPIRegistry.registerPath({
      method,
      path: '/v1/plugin-apis/{instance}/{proxy}',
      summary: "Passthrough to the plugin's http handler (the rest of the path is the plugin's)",
      request: {
        params: z.object({
          instance: z.string().openapi({ param: { name: 'instance', in: 'path' }, example: 'my-webhooks' }),
          proxy: z.string().openapi({
            param: { name: 'proxy', in: 'path' },
            description: 'The path the plugin sees, slashes included',
            example: 'orders/42',
          }),
        }),
      },
      responses: { 200: { description: "The plugin's response" }, ...problems(404, 409, 413, 502, 504) },
    });
}
