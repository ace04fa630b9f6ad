import * as z from 'zod';
import type { JsonSchema } from '../../sdk/json-schema';
import type { RouteConfig } from './route-config';

type Io = 'input' | 'output';

/** Where a schema's JSON Schema goes once made: the object and key it is written to. */
interface Slot {
  readonly schema: z.ZodType;
  readonly into: Record<string, unknown>;
}

const SCHEMAS = '#/components/schemas/';
/** What OpenAPI 3.1 allows a component's name to be; zod takes any id, and would write it out as given. */
const COMPONENT_NAME = /^[a-zA-Z0-9._-]+$/;

/**
 * Answers are described open, as zod's `object` takes them: zod would say an answer has no fields
 * beyond those listed (it drops them from what it parses), but answers are not parsed, and a client
 * that held the platform to that would break on every field a later version adds.
 */
const open: NonNullable<NonNullable<Parameters<typeof z.toJSONSchema>[1]>['override']> = ({
  zodSchema,
  jsonSchema,
}) => {
  const def = zodSchema._zod.def;
  if (def.type === 'object' && !('catchall' in def && def.catchall)) delete jsonSchema.additionalProperties;
};

/**
 * A JSON Schema's `$defs` as OpenAPI components, each under the name `name` gives it, with every
 * reference to one moved to where it now lives; the schema itself without `$defs` or `$schema`.
 */
export function asComponents(
  made: JsonSchema,
  name: (def: string) => string,
): { schema: JsonSchema; defs: Record<string, JsonSchema> } {
  const text = JSON.stringify(made).replaceAll(/"#\/\$defs\/([^"]+)"/g, (_, def: string) =>
    JSON.stringify(`${SCHEMAS}${name(def)}`),
  );
  const {
    $schema: _dialect,
    $defs = {},
    ...schema
  } = JSON.parse(text) as JsonSchema & {
    $defs?: Record<string, JsonSchema>;
  };
  return { schema, defs: Object.fromEntries(Object.entries($defs).map(([def, each]) => [name(def), each])) };
}

/** One direction's schemas in JSON Schema, with the zod schema behind each name it gave. */
interface Pass {
  readonly properties: Record<string, JsonSchema>;
  readonly defs: Record<string, JsonSchema>;
  readonly named: ReadonlyMap<string, unknown>;
}

/**
 * The schemas of one direction made into JSON Schema in one pass of zod's own converter, so a schema
 * named with `.meta({ id })` becomes one component that every use refers to. Requests are described
 * as zod takes them (`io: 'input'`: a default makes a field optional), answers as it gives them.
 * Schemas zod names itself (a recursive one's `__schema0`) get the direction in their name, so the
 * two passes cannot give two schemas one name.
 */
function convert(slots: readonly Slot[], io: Io): Pass {
  const named = new Map<string, unknown>();
  if (slots.length === 0) return { properties: {}, defs: {}, named };
  const all = z.object(Object.fromEntries(slots.map(({ schema }, i) => [`s${i}`, schema])));
  const made = z.toJSONSchema(all, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
    override: (context) => {
      open(context);
      const id = z.globalRegistry.get(context.zodSchema as z.core.$ZodType)?.id;
      if (typeof id === 'string') named.set(id, context.zodSchema);
    },
  });
  const rename = (name: string) => (name.startsWith('__schema') ? `${io}${name}` : name);
  const { schema, defs } = asComponents(made as JsonSchema, rename);
  const properties = schema.properties as Record<string, JsonSchema>;
  return { properties, defs, named };
}

/** The pass's schemas, with every reference to a renamed component moved to its new name. */
function renamed<T>(value: T, names: ReadonlyMap<string, string>): T {
  if (names.size === 0) return value;
  const text = JSON.stringify(value).replaceAll(/"#\/components\/schemas\/([^"]+)"/g, (ref, name: string) => {
    const to = names.get(name);
    return to === undefined ? ref : JSON.stringify(`${SCHEMAS}${to}`);
  });
  return JSON.parse(text) as T;
}

/**
 * Both directions' schemas as components. A named schema zod describes differently as it takes it
 * and as it gives it (a default, a transform, or a schema inside that differs) is one schema, not a
 * clash: answers keep its name and requests get `<id>Input`, rather than the whole document being a
 * 500. Two different zod schemas under one name are a mistake and are refused.
 */
function fill(requests: readonly Slot[], answers: readonly Slot[], components: Record<string, JsonSchema>) {
  const given = new Set(Object.keys(components));
  const input = convert(requests, 'input');
  const output = convert(answers, 'output');
  const inputNames = new Map<string, string>();
  // A request schema renamed changes every request schema that refers to it: until none changes.
  for (let changed = true; changed; ) {
    changed = false;
    const defs = renamed(input.defs, inputNames);
    for (const [name, schema] of Object.entries(defs)) {
      const known = output.defs[name] ?? components[name];
      if (inputNames.has(name) || !known || JSON.stringify(known) === JSON.stringify(schema)) continue;
      const answered = output.named.get(name);
      if (given.has(name) || !answered || answered !== input.named.get(name))
        throw new Error(`the schema named ${name} differs between requests and answers; name each its own`);
      const variant = `${name}Input`;
      if (variant in input.defs || variant in output.defs || given.has(variant))
        throw new Error(`the request variant of ${name} would take the name ${variant}, already in use`);
      inputNames.set(name, variant);
      changed = true;
    }
  }
  const requestDefs = renamed(input.defs, inputNames);
  for (const [name, schema] of Object.entries(requestDefs)) components[inputNames.get(name) ?? name] = schema;
  for (const [name, schema] of Object.entries(output.defs)) {
    const known = components[name];
    if (known && JSON.stringify(known) !== JSON.stringify(schema))
      throw new Error(`the schema named ${name} differs between requests and answers; name each its own`);
    components[name] = schema;
  }
  const requestProperties = renamed(input.properties, inputNames);
  requests.forEach(({ into }, i) => {
    into.schema = requestProperties[`s${i}`];
  });
  answers.forEach(({ into }, i) => {
    into.schema = output.properties[`s${i}`];
  });
}

/** The path, query and header parameters of a route, each field of its object schema one parameter. */
function parameters(route: RouteConfig, slots: Slot[]): Record<string, unknown>[] {
  const parts = [
    ['path', route.request?.params],
    ['query', route.request?.query],
    ['header', route.request?.headers],
  ] as const;
  return parts.flatMap(([where, object]) =>
    Object.entries(object?.shape ?? {}).map(([name, field]) => {
      const schema = field as z.ZodType;
      const parameter: Record<string, unknown> = {
        name,
        in: where,
        required:
          where === 'path' ||
          !schema.safeParse(undefined).success ||
          (where === 'header' && route.request?.requiredHeaders?.includes(name) === true),
      };
      if (schema.description) parameter.description = schema.description;
      slots.push({ schema, into: parameter });
      return parameter;
    }),
  );
}

function content(
  media: Readonly<Record<string, { readonly schema?: z.ZodType }>>,
  slots: Slot[],
): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(media).map(([type, { schema }]) => {
      const entry: Record<string, unknown> = {};
      if (schema) slots.push({ schema, into: entry });
      return [type, entry];
    }),
  );
}

function operation(route: RouteConfig, requests: Slot[], answers: Slot[]): Record<string, unknown> {
  const described: Record<string, unknown> = {};
  if (route.summary) described.summary = route.summary;
  if (route.description) described.description = route.description;
  if (route.security) described.security = route.security;
  const declared = parameters(route, requests);
  if (declared.length > 0) described.parameters = declared;
  const body = route.request?.body ?? route.request?.rawBody;
  if (body)
    described.requestBody = {
      ...('description' in body ? { description: body.description } : {}),
      required: body.required ?? false,
      content: content(body.content, requests),
    };
  described.responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, { content: media, ...response }]) => [
      status,
      media ? { ...response, content: content(media, answers) } : response,
    ]),
  );
  return described;
}

export interface OpenApiDocumentOptions {
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  /** Components made elsewhere (the manifest's, from its loader's schema), beside the routes' own. */
  readonly schemas?: Record<string, JsonSchema>;
}

/**
 * The OpenAPI 3.1 document of the given routes: every operation needs the bearer token unless its
 * route says otherwise, and every schema a route names comes from the zod schema that checks it.
 */
export function openApiDocument(routes: readonly RouteConfig[], options: OpenApiDocumentOptions): object {
  const requests: Slot[] = [];
  const answers: Slot[] = [];
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method] = operation(route, requests, answers);
  }
  const schemas: Record<string, JsonSchema> = { ...options.schemas };
  fill(requests, answers, schemas);
  const misnamed = Object.keys(schemas).filter((name) => !COMPONENT_NAME.test(name));
  if (misnamed.length > 0)
    throw new Error(`not valid OpenAPI component names (${COMPONENT_NAME}): ${misnamed.join(', ')}`);
  return {
    openapi: '3.1.0',
    info: options.info,
    security: [{ bearer: [] }],
    components: { schemas, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
