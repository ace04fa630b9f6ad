import * as z from 'zod';
import { PlugboardError, ValidationError } from '../../../sdk/errors';
import type { SerializedResponse } from '../../envelope';
import { INSTANCE_NAME } from '../../instances/instance-service';
import { zodFieldErrors } from '../../zod-errors';
import type { App, RouteContext } from '../env';
import { INSTANCE_NAME_RULE, problems } from '../schemas';

const PREFIX = '/v1/plugin-apis/';
/** The methods described in the OpenAPI document; the route passes any. */
const PASSED_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
/**
 * Hop-by-hop headers (RFC 9110 §7.6.1), the length the body is re-sent with, and the caller's
 * credentials for the platform or a proxy: never passed on, in either direction.
 */
const HOP_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'proxy-authenticate',
  'proxy-connection',
  'cookie',
  'host',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
]);

/** The headers worth passing on: none of the above, nor any the Connection header names as this hop's. */
function endToEnd(headers: Iterable<[string, string]>): Record<string, string> {
  const all = [...headers].map(([name, value]) => [name.toLowerCase(), value] as const);
  const named = new Set(
    all
      .filter(([name]) => name === 'connection')
      .flatMap(([, value]) => value.split(',').map((token) => token.trim().toLowerCase())),
  );
  return Object.fromEntries(all.filter(([name]) => !HOP_HEADERS.has(name) && !named.has(name)));
}

/** Whether HTTP takes these headers: the Headers class refuses what a response could not carry. */
function allowedByHttp(headers: Record<string, string>): boolean {
  try {
    new Headers(Object.entries(headers));
    return true;
  } catch {
    return false;
  }
}

/** A response as the route can send it on: a 1xx is never a final answer. */
const AnsweredResponse = z.object({
  status: z.number().int().min(200).max(599),
  headers: z
    .record(z.string(), z.string())
    .refine(allowedByHttp, 'must be header names and values HTTP allows'),
  body: z.string(),
});

/**
 * The plugin's answer as the response it must be. The runtime makes one from the handler's Response,
 * but a plugin outside it (a process plugin) answers what it likes, and what is no response failed
 * here as a 500 when it was sent on.
 */
function servedResponse(answer: unknown): SerializedResponse {
  const parsed = AnsweredResponse.safeParse(answer);
  if (parsed.success) return parsed.data;
  const faults = zodFieldErrors(parsed.error, '/result', answer);
  throw new PlugboardError(
    'PluginFailed',
    `the plugin's http answer is not a response: ${faults.map((f) => `${f.pointer} ${f.detail}`).join('; ')}`,
  );
}

export function registerPluginApiRoutes(app: App, { invocations }: RouteContext): void {
  app.all('/v1/plugin-apis/:instance/*', async (c) => {
    const name = c.req.param('instance');
    if (!INSTANCE_NAME.test(name))
      throw new ValidationError('the instance name in the path is not valid', [
        { pointer: '/path/instance', detail: INSTANCE_NAME_RULE },
      ]);
    const { instance, manifest } = await invocations.resolve(name);
    const url = new URL(c.req.url);
    const path = url.pathname.slice(PREFIX.length + name.length) || '/';
    const headers = endToEnd(c.req.raw.headers);
    const body = ['GET', 'HEAD'].includes(c.req.method)
      ? undefined
      : Buffer.from(await c.req.arrayBuffer()).toString('base64');
    const input = { method: c.req.method, path, query: url.search.slice(1), headers, body };
    const answer = servedResponse(
      await invocations.run(
        { instance, manifest, requestId: c.get('requestId'), deadline: c.get('deadline') },
        'http',
        'http',
        input,
      ),
    );
    return new Response(c.req.method === 'HEAD' ? null : Buffer.from(answer.body, 'base64'), {
      status: answer.status,
      headers: endToEnd(Object.entries(answer.headers)),
    });
  });
  // Every method a client may send is described, each with both path parameters, which OpenAPI
  // requires declared even where, as with `proxy`, the value spans several segments.
  for (const method of PASSED_METHODS)
    app.describe({
      method,
      path: '/v1/plugin-apis/{instance}/{proxy}',
      summary: "Passthrough to the plugin's http handler (the rest of the path is the plugin's)",
      request: {
        params: z.object({
          instance: z.string().meta({ example: 'my-webhooks' }),
          proxy: z.string().meta({
            description: 'The path the plugin sees, slashes included',
            example: 'orders/42',
          }),
        }),
      },
      responses: { 200: { description: "The plugin's response" }, ...problems(404, 409, 413, 502, 504) },
    });
}
