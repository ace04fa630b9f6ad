import { type Context, type Handler, Hono, type MiddlewareHandler } from 'hono';
import type * as z from 'zod';
import { type FieldError, PlugboardError } from '../../sdk/errors';
import { pointerSegment } from '../../sdk/params';
import { invalidFields } from '../field-errors';
import { zodFieldErrors } from '../zod-errors';
import type { AppEnv } from './env';
import type { RouteConfig, RouteInput } from './route-config';

type Schema = z.ZodType;

/**
 * Hono whose routes are described as well as served: each route's request is checked in one
 * synchronous middleware against its zod schemas, and `/v1/openapi.json` is made from the same
 * definitions (`openapi-document.ts`). A chain of asynchronous validators per request part, as
 * `@hono/zod-openapi` has, cost about a tenth of the invoke path (bench/README.md).
 */
export class ValidatedApp extends Hono<AppEnv> {
  /** What /v1/openapi.json describes, in the order the routes were added. */
  readonly described: RouteConfig[] = [];

  /** Serves a route: its middleware, then the check of its request, then its handler. */
  openapi<R extends RouteConfig>(route: R, handler: Handler<AppEnv, string, RouteInput<R>>): this {
    this.described.push(route);
    const before = route.middleware === undefined ? [] : [route.middleware].flat();
    this.on(
      [route.method],
      [route.path.replaceAll(/\/{(.+?)}/g, '/:$1')],
      ...(before as MiddlewareHandler<AppEnv>[]),
      requestValidator(route),
      handler as Handler<AppEnv>,
    );
    return this;
  }

  /** Describes a route served by other means (the plugin APIs' passthrough takes every method). */
  describe(route: RouteConfig): void {
    this.described.push(route);
  }
}

/**
 * Routes whose query is not the platform's to check. A webhook's URL is pasted into the sender's
 * settings, and a parameter the sender adds would turn every delivery into a 400 it cannot mend; its
 * signature covers the body alone. (The plugin APIs pass their query to the plugin, outside these
 * routes.)
 */
const FOREIGN_QUERY = new Set(['post /v1/webhooks/{source}']);

/** The one middleware that checks a route's query, path, headers and JSON body, in that order. */
export function requestValidator(route: RouteConfig): MiddlewareHandler<AppEnv> {
  const { query, params, headers } = (route.request ?? {}) as Record<string, Schema | undefined>;
  const body = jsonBody(route);
  const queryCheck = FOREIGN_QUERY.has(`${route.method} ${route.path}`)
    ? undefined
    : queryChecker(route, query);
  const headerNames = headers && caseInsensitiveNames(headers);
  return async (c, next) => {
    const checkedQuery = queryCheck?.(c);
    if (checkedQuery) c.req.addValidatedData('query', checkedQuery);
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

/**
 * The query's check: a parameter the route does not declare is refused, as an unknown body field
 * is, since one ignored reads as a filter applied (`?instance=x` listing everything) or a typo
 * taken (`?limt=5`). Routes without a query schema take no parameter at all.
 */
function queryChecker(route: RouteConfig, schema: Schema | undefined): (c: Context) => object | undefined {
  const shape = schema && (schema as unknown as { shape?: Record<string, unknown> }).shape;
  if (schema && !shape) throw new Error(`${route.method} ${route.path}: a query schema must be an object`);
  const known = new Set(Object.keys(shape ?? {}));
  const lists = new Set(
    Object.entries(shape ?? {})
      .filter(([, field]) => takesList(field))
      .map(([n]) => n),
  );
  const detail = `Unknown query parameter; known: ${[...known].join(', ') || 'none'}`;
  return (c) => {
    // Most calls (every invoke) have no query and no query schema: nothing to parse.
    if (!schema && !c.req.url.includes('?')) return undefined;
    const values = queryValues(c, lists);
    const unknown: FieldError[] = Object.keys(values)
      .filter((name) => !known.has(name))
      .map((name) => ({ pointer: `/query/${pointerSegment(name)}`, detail }));
    const result = schema?.safeParse(values);
    const errors = result?.success === false ? zodFieldErrors(result.error, '/query', values) : [];
    if (unknown.length > 0 || errors.length > 0)
      throw invalidFields('the request is not valid', [...unknown, ...errors].slice(0, 20));
    return result?.data as object | undefined;
  };
}

interface JsonBody {
  readonly schema: Schema;
  readonly required: boolean;
}

/**
 * A JSON media type: `application/json`, or a subtype with the `+json` suffix (RFC 6838 §4.2's
 * characters: `application/problem+json`, `application/vnd.example.v2+json`).
 */
const JSON_MEDIA = String.raw`application\/([a-z0-9!#$&^_.-]+\+)?json`;
const JSON_MEDIA_TYPE = new RegExp(`^${JSON_MEDIA}$`, 'i');
/** The usual JSON Content-Types: a JSON media type alone, or with `charset=utf-8`. */
const USUAL_JSON = new RegExp(`^${JSON_MEDIA}(;\\s*charset=utf-8)?$`, 'i');
/** A media type's parameter, its value quoted or not. */
const MEDIA_PARAMETER = /^([a-z0-9-]+)=(.+)/i;
/** The names of UTF-8 in the WHATWG Encoding Standard, which clients send (`utf8` as often as not). */
const UTF8_LABELS = new Set([
  'utf-8',
  'utf8',
  'unicode-1-1-utf-8',
  'unicode11utf8',
  'unicode20utf8',
  'x-unicode20utf8',
]);

const NOT_JSON = 'send the body as application/json';

/**
 * Why a Content-Type does not declare UTF-8 JSON, or undefined when it does: a JSON media type, each
 * parameter `name=value` with whitespace allowed on either side of its `;` (RFC 9110 §8.3.1), and a
 * charset, if one is given, a name of UTF-8 (RFC 8259 §8.1). The usual spellings pass one regex, since
 * splitting every request's header measured 10–20 µs of CPU a request more on the invoke path under
 * the bench's load (two A/B runs of three rounds; noisy, but one way each time); only another is
 * split, as a regex that also took the whitespace before a `;` would backtrack for seconds over a
 * long header of spaces.
 */
function contentTypeRefusal(type: string | undefined): string | undefined {
  if (type === undefined) return 'send the body with Content-Type: application/json';
  if (USUAL_JSON.test(type)) return undefined;
  const [essence = '', ...parameters] = type.split(';');
  if (!JSON_MEDIA_TYPE.test(essence.trim())) return NOT_JSON;
  for (const parameter of parameters) {
    const [, name, value = ''] = MEDIA_PARAMETER.exec(parameter.trim()) ?? [];
    if (name === undefined) return NOT_JSON;
    const unquoted = /^"(.*)"$/.exec(value)?.[1] ?? value;
    if (name.toLowerCase() === 'charset' && !UTF8_LABELS.has(unquoted.toLowerCase()))
      return 'JSON is UTF-8 (RFC 8259 §8.1): send charset=utf-8, or none';
  }
  return undefined;
}

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
 * A body without a UTF-8 JSON Content-Type is refused, unless there is no body: a missing optional
 * one is `{}` unchecked, a missing required one is checked as `{}`. An empty body is a missing one
 * whatever its Content-Type: clients that set `application/json` on every request (curl -H, a shared
 * fetch wrapper) send it with no body too, and "" is no JSON to refuse as malformed. This is the one
 * check of a Content-Type, so a route that declares no JSON body takes any: the plugin APIs pass
 * theirs to the plugin, and the webhook receiver reads its raw for the signature.
 */
async function bodyValue(c: Context, body: JsonBody): Promise<object> {
  const bytes = await c.req.arrayBuffer();
  if (bytes.byteLength === 0) return body.required ? check(body.schema, {}, '') : {};
  const refusal = contentTypeRefusal(c.req.header('content-type'));
  if (refusal !== undefined) throw new PlugboardError('UnsupportedMediaType', refusal);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new PlugboardError('Validation', 'the request body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PlugboardError('Validation', 'the request body is not valid JSON');
  }
  const checked = check(body.schema, value, '');
  // Only a body that spells the name, or escapes a character of it, can hold the key.
  if (text.includes('__proto__') || text.includes('\\u')) refuseDroppedProto(value, checked);
  return checked;
}

const PROTO_DETAIL = 'Unknown field: no key may be named __proto__';

/**
 * JSON.parse makes `"__proto__"` an own key, and zod leaves it out of every object and record it
 * builds (assigned, it would set the prototype): an option, a param or a credential so named would
 * vanish without a word. Refused where the checked value lost it; under a value zod passed through
 * as it was (a mapping param's object), the key is kept as data and is not refused.
 */
function refuseDroppedProto(input: unknown, output: unknown): void {
  const errors: FieldError[] = [];
  // A stack, not recursion: a body nested thousands deep must not overflow the call stack.
  const pending: [unknown, unknown, string][] = [[input, output, '']];
  while (pending.length > 0 && errors.length < 20) {
    const [given, kept, pointer] = pending.pop()!;
    if (given === kept || typeof given !== 'object' || given === null) continue;
    const keptObject =
      typeof kept === 'object' && kept !== null ? (kept as Record<string, unknown>) : undefined;
    const dropped = !(keptObject && Object.hasOwn(keptObject, '__proto__'));
    if (!Array.isArray(given) && Object.hasOwn(given, '__proto__') && dropped)
      errors.push({ pointer: `${pointer}/__proto__`, detail: PROTO_DETAIL });
    if (!keptObject) continue;
    for (const [key, child] of Object.entries(given)) {
      if (Object.hasOwn(keptObject, key))
        pending.push([child, keptObject[key], `${pointer}/${pointerSegment(key)}`]);
    }
  }
  if (errors.length > 0) throw invalidFields('the request is not valid', errors);
}

/**
 * A parameter given once is a string, one repeated a list (`?tag=a&tag=b`, OpenAPI's form style),
 * except where the field takes a list: there a single `?tag=a` is a list of one, as the document
 * describes it, not a string its array schema refuses.
 */
function queryValues(c: Context, lists: ReadonlySet<string>): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(c.req.queries()).map(([name, values]) => [
      name,
      values.length === 1 && !lists.has(name) ? values[0]! : values,
    ]),
  );
}

/** Whether a query field's schema is an array, under the optional, default and like wrappers. */
function takesList(field: unknown): boolean {
  let def = (field as { _zod?: { def: { type: string; innerType?: unknown; in?: unknown } } })._zod?.def;
  while (def) {
    if (def.type === 'array') return true;
    const inner = def.type === 'pipe' ? def.in : def.innerType;
    def = (inner as { _zod?: { def: typeof def } } | undefined)?._zod?.def;
  }
  return false;
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
