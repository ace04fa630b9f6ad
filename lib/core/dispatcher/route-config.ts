import type { MiddlewareHandler } from 'hono';
import type * as z from 'zod';
import type { AppEnv } from './env';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/** A response header as OpenAPI describes it: its schema is JSON Schema, not zod (nothing checks it). */
export interface HeaderConfig {
  readonly description?: string;
  readonly schema: { readonly type: 'string' | 'integer' };
}

export interface ResponseConfig {
  readonly description: string;
  readonly headers?: Readonly<Record<string, HeaderConfig>>;
  readonly content?: Readonly<Record<string, { readonly schema: z.ZodType }>>;
}

export interface BodyConfig {
  readonly required?: boolean;
  /** JSON alone: the one middleware that checks a request reads nothing else. */
  readonly content: { readonly 'application/json': { readonly schema: z.ZodType } };
}

/**
 * A body the handler reads itself, as the bytes sent: described, never checked, so any Content-Type
 * is taken and none is answered 415. A media type without a schema is raw bytes, as OpenAPI 3.1
 * describes binary data.
 */
export interface RawBodyConfig {
  readonly description: string;
  readonly required?: boolean;
  readonly content: Readonly<Record<string, { readonly schema?: z.ZodType }>>;
}

/**
 * One route of the API: what the dispatcher checks a request against (each part with zod) and what
 * /v1/openapi.json says of it. The shape is @hono/zod-openapi's, which the routes were first written
 * for; the platform no longer carries that library at run time (bench/README.md, "Bundle").
 */
export interface RouteConfig {
  readonly method: Method;
  /** OpenAPI's template, `{name}` for a path parameter. */
  readonly path: string;
  readonly summary?: string;
  readonly description?: string;
  /** Empty for a route that takes no token; the document's default (bearer) otherwise. */
  readonly security?: readonly Record<string, readonly string[]>[];
  /** Runs before the request is checked (the webhook receiver's signature check, for one). */
  readonly middleware?: MiddlewareHandler<AppEnv> | readonly MiddlewareHandler<AppEnv>[];
  readonly request?: {
    readonly params?: ObjectSchema;
    readonly query?: ObjectSchema;
    readonly headers?: ObjectSchema;
    /**
     * Headers the schema leaves optional because the handler answers their absence itself with a
     * status of its own (If-Match's 428 Precondition Required, not the check's 400): required all
     * the same, and described so.
     */
    readonly requiredHeaders?: readonly string[];
    readonly body?: BodyConfig;
    /** For a route whose handler needs the bytes as sent (the webhook receiver's signature covers them). */
    readonly rawBody?: RawBodyConfig;
  };
  readonly responses: Readonly<Record<number, ResponseConfig>>;
}

/** Types a route's definition where it is written, keeping its literal types for `RouteInput`. */
export const createRoute = <const R extends RouteConfig>(route: R): R => route;

type Part<R extends RouteConfig, K extends 'params' | 'query' | 'headers'> = R['request'] extends {
  readonly [P in K]: infer S extends z.ZodType;
}
  ? z.output<S>
  : never;

type Checked<R extends RouteConfig> = {
  param: Part<R, 'params'>;
  query: Part<R, 'query'>;
  header: Part<R, 'headers'>;
  json: R['request'] extends { readonly body: infer B extends BodyConfig }
    ? B['content']['application/json']['schema'] extends infer S extends z.ZodType
      ? B extends { readonly required: true }
        ? z.output<S>
        : // An optional body sent as nothing is given as `{}`, unchecked: no default of its schema is filled.
          z.output<S> | Record<string, never>
      : never
    : never;
};

/** What `c.req.valid(part)` gives a route's handler: each part its route checks, as zod outputs it. */
export type RouteInput<R extends RouteConfig> = {
  out: { [K in keyof Checked<R> as [Checked<R>[K]] extends [never] ? never : K]: Checked<R>[K] };
};
