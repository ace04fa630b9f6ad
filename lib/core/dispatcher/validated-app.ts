import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi';
import type { Context, Handler, MiddlewareHandler } from 'hono';
import type * as z from 'zod';
import { PlugboardError } from '../../sdk/errors';
import { invalidFields } from '../field-errors';
import { zodFieldErrors } from '../zod-errors';
import type { AppEnv } from './env';

/** A JSON media type with parameters, as @hono/zod-openapi's media type gate accepts it. */
const JSON_CONTENT_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i;

type Schema = z.ZodType;

/**
 * OpenAPIHono whose routes check their request in one middleware with zod's synchronous parse.
 * `@hono/zod-openapi` chains an asynchronous middleware per request part (query, path, headers, a
 * media type gate, the body), each parsing with `safeParseAsync`: about a tenth of the invoke path's
 * time (bench/README.md). The route definitions, the OpenAPI document, the types of `c.req.valid()`
 * and what a request is answered are the same; only JSON bodies are supported.
 */
export class ValidatedApp extends OpenAPIHono<AppEnv> {
  override openapi = ((
    { middleware, hide, ...route }: RouteConfig,
    handler: Handler<AppEnv>,
  ): ValidatedApp => {
    if (!hide) this.openAPIRegistry.registerPath(route);
    const before = middleware === undefined ? [] : [middleware].flat();
    this.on(
      [route.method],
      [route.path.replaceAll(/\/{(.+?)}/g, '/:$1')],
      ...(before as MiddlewareHandler<AppEnv>[]),
      requestValidator(route),
      handler,
    );
    return this;
  }) as unknown as OpenAPIHono<AppEnv>['openapi'];
}

/** The one middleware that checks a route's query, path, headers and JSON body, in that order. */
export function requestValidator(route: RouteConfig): MiddlewareHandler<AppEnv> {
  const { query, params, headers } = (route.request ?? {}) as Record<string, Schema | undefined>;
  const body = jsonBody(route);
  const headerNames = headers && caseInsensitiveNames(headers);
  return async (c, next) => {
    if (query) c.req.addValidatedData('query', check(query, queryValues(c), '/query'));
    if (params) c.req.addValidatedData('param', check(params, c.req.param(), '/path'));
    if (headers) c.req.addValidatedData('header', check(headers, headerValues(c, headerNames), '/headers'));
    if (body) c.req.addValidatedData('json', await bodyValue(c, body));
    return next();
  };
}

function check(schema: Schema, value: unknown, base: string): object {
  const result = schema.safeParse(value);
  if (result.success) return result.data as object;
  const errors = zodFieldErrors(result.error, base, value);
  throw invalidFields('the request is not valid', errors);
}

interface JsonBody {
  readonly schema: Schema;
  readonly required: boolean;
}

/** The charset parameter of a Content-Type, quoted or not. */
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]*)/i;
/** The names of UTF-8 in the WHATWG Encoding Standard, which clients send (`utf8` as often as not). */
const UTF8_LABELS = new Set([
  'utf-8',
  'utf8',
  'unicode-1-1-utf-8',
  'unicode11utf8',
  'unicode20utf8',
  'x-unicode20utf8',
]);
/** Fatal: bytes that are not UTF-8 are refused, not turned into U+FFFD and stored. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function jsonBody(route: RouteConfig): JsonBody | undefined {
  const body = route.request?.body;
  if (!body) return undefined;
  const types = Object.keys(body.content);
  const media = body.content['application/json'];
  const schema = media && 'schema' in media ? media.schema : undefined;
  if (types.length !== 1 || !schema) {
    throw new Error(`${route.method} ${route.path}: a request body must be application/json alone`);
  }
  return { schema: schema as Schema, required: body.required === true };
}

/**
 * A body without a JSON content type is refused, unless there is none; a missing optional body is
 * `{}` unchecked, a missing required one is checked as `{}` (as @hono/zod-openapi does both).
 */
async function bodyValue(c: Context, body: JsonBody): Promise<object> {
  const type = c.req.header('content-type');
  if (type === undefined) {
    if ((await c.req.arrayBuffer()).byteLength > 0) {
      throw new PlugboardError('UnsupportedMediaType', 'send the body with Content-Type: application/json');
    }
    return body.required ? check(body.schema, {}, '') : {};
  }
  if (!JSON_CONTENT_TYPE.test(type)) {
    throw new PlugboardError('UnsupportedMediaType', 'send the body as application/json');
  }
  const charset = CHARSET.exec(type)?.[1];
  if (charset !== undefined && !UTF8_LABELS.has(charset.toLowerCase())) {
    throw new PlugboardError(
      'UnsupportedMediaType',
      'JSON is UTF-8 (RFC 8259 §8.1): send charset=utf-8, or none',
    );
  }
  let text: string;
  try {
    text = UTF8.decode(await c.req.arrayBuffer());
  } catch {
    throw new PlugboardError('Validation', 'the request body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PlugboardError('Validation', 'the request body is not valid JSON');
  }
  return check(body.schema, value, '');
}

function queryValues(c: Context): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(c.req.queries()).map(([name, values]) => [
      name,
      values.length === 1 ? values[0]! : values,
    ]),
  );
}

/** Header names as the schema spells them, matched without regard to case (as @hono/zod-validator does). */
function caseInsensitiveNames(schema: Schema): Map<string, string> | undefined {
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  return shape && new Map(Object.keys(shape).map((name) => [name.toLowerCase(), name]));
}

function headerValues(c: Context, names: Map<string, string> | undefined): Record<string, string> {
  const all = c.req.header();
  if (!names) return all;
  return Object.fromEntries(Object.entries(all).map(([name, value]) => [names.get(name) ?? name, value]));
}
