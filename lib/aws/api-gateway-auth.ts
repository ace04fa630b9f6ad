import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { Context } from 'hono';
import { ALL_SCOPES, type Authenticate, SCOPES, type Scope } from '../core/http/auth';

interface AuthorizerContext {
  iam?: { userArn?: string; callerId?: string } | null;
  jwt?: { claims?: Record<string, unknown>; scopes?: string[] | null } | null;
}

/** A JWT scope names an API scope by itself (`invoke`) or as a resource server's (`plugboard/invoke`). */
function apiScopes(granted: readonly string[]): Set<Scope> {
  const scopes = new Set<Scope>();
  for (const scope of granted) {
    const name = scope.slice(scope.lastIndexOf('/') + 1);
    if ((SCOPES as readonly string[]).includes(name)) scopes.add(name as Scope);
  }
  return scopes;
}

/**
 * On AWS, API Gateway has already verified the caller (SigV4 or JWT) before the dispatcher runs:
 * the dispatcher reads who it was, and with JWT which scopes the token grants.
 */
export function apiGatewayAuthenticator(mode: 'iam' | 'jwt'): Authenticate {
  return (c: Context) => {
    const event = (c.env as { event?: APIGatewayProxyEventV2 } | undefined)?.event;
    const authorizer = (event?.requestContext as { authorizer?: AuthorizerContext } | undefined)?.authorizer;
    if (mode === 'iam' && authorizer?.iam) {
      return { id: authorizer.iam.userArn ?? authorizer.iam.callerId ?? 'iam', scopes: ALL_SCOPES };
    }
    if (mode === 'jwt' && authorizer?.jwt) {
      const claims = authorizer.jwt.claims ?? {};
      const fromClaim = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
      return {
        id: String(claims.sub ?? 'jwt'),
        scopes: apiScopes([...(authorizer.jwt.scopes ?? []), ...fromClaim]),
      };
    }
    return undefined;
  };
}

/** API Gateway's request id, so logs, problems and the x-request-id header agree with API Gateway's. */
export function apiGatewayRequestId(c: Context): string | undefined {
  return (c.env as { event?: APIGatewayProxyEventV2 } | undefined)?.event?.requestContext?.requestId;
}

/** Kept back from the function's timeout to write the answer and publish the call's Operation event. */
export const ANSWER_MARGIN_MS = 1_000;

/**
 * When the dispatcher function must have answered: its timeout, less a margin. A plugin call past
 * it would be cut by Lambda, and API Gateway would answer its bare 503 instead of a 504 problem.
 */
export function lambdaDeadline(c: Context): number | undefined {
  const lambda = (c.env as { lambdaContext?: { getRemainingTimeInMillis?: () => number } } | undefined)
    ?.lambdaContext;
  const remaining = lambda?.getRemainingTimeInMillis?.();
  return remaining === undefined ? undefined : Date.now() + remaining - ANSWER_MARGIN_MS;
}
