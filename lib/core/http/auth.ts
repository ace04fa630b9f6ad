import type { Context } from 'hono';

/** The API's scopes (DESIGN.md §5): admin manages, invoke calls plugins, publish puts events. */
export const SCOPES = ['admin', 'invoke', 'publish'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  id: string;
  scopes: ReadonlySet<Scope>;
}

/**
 * Says who made a request, or undefined when nobody is authenticated. Locally a bearer token;
 * on AWS the identity API Gateway already verified (IAM or JWT).
 */
export type Authenticate = (c: Context) => Principal | undefined | Promise<Principal | undefined>;

export const ALL_SCOPES: ReadonlySet<Scope> = new Set(SCOPES);
