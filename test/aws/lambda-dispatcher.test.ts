import type { APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANSWER_MARGIN_MS,
  apiGatewayAuthenticator,
  apiGatewayRequestId,
} from '../../lib/aws/api-gateway-auth';
import { createLambdaDispatcher } from '../../lib/aws/lambda-dispatcher';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';
import { type EventSpec, httpApiEvent } from '../fixtures/apigw/http-api-event';

let local: TestPlatform;
let iam: ReturnType<typeof createLambdaDispatcher>;
let jwt: ReturnType<typeof createLambdaDispatcher>;
const lambdaContext = { awsRequestId: 'lambda-request', functionName: 'dispatcher' } as Context;

beforeAll(async () => {
  local = await startTestPlatform();
  const deps = { ...local.platform.deps, requestId: apiGatewayRequestId };
  iam = createLambdaDispatcher({ ...deps, authenticate: apiGatewayAuthenticator('iam') });
  jwt = createLambdaDispatcher({ ...deps, authenticate: apiGatewayAuthenticator('jwt') });
});
afterAll(async () => {
  await local?.close();
});

interface Outcome {
  status: number;
  body: unknown;
}

/** Problems carry per-request ids; everything else must match byte for byte between the two adapters. */
const comparable = (text: string): unknown => {
  try {
    const { requestId: _r, ...rest } = JSON.parse(text);
    return rest;
  } catch {
    return text;
  }
};

async function viaLambda(
  handler: typeof iam,
  spec: EventSpec,
): Promise<Outcome & { raw: APIGatewayProxyStructuredResultV2 }> {
  const event = httpApiEvent(spec) as unknown as Parameters<typeof handler>[0];
  const result = (await handler(event, lambdaContext)) as APIGatewayProxyResultV2;
  const raw = result as APIGatewayProxyStructuredResultV2;
  const text = raw.isBase64Encoded ? Buffer.from(raw.body ?? '', 'base64').toString() : (raw.body ?? '');
  return { status: raw.statusCode ?? 200, body: comparable(text), raw };
}

async function viaLocal(spec: EventSpec): Promise<Outcome> {
  const headers = { ...spec.headers, ...(spec.cookies ? { cookie: spec.cookies.join('; ') } : {}) };
  const path = `${spec.path}${spec.query ? `?${spec.query}` : ''}`;
  const res = await local.call(spec.method, path, spec.body, headers);
  return { status: res.status, body: comparable(res.text) };
}

const json = { 'content-type': 'application/json' };
const cases: { name: string; spec: EventSpec; status: number }[] = [
  { name: 'health', spec: { method: 'GET', path: '/v1/health' }, status: 200 },
  {
    name: 'health with two cookies and no cookie header',
    spec: { method: 'GET', path: '/v1/health', cookies: ['session=abc123', 'theme=dark'] },
    status: 200,
  },
  { name: 'plugins', spec: { method: 'GET', path: '/v1/plugins' }, status: 200 },
  {
    name: 'instances with a limit',
    spec: { method: 'GET', path: '/v1/instances', query: 'limit=2' },
    status: 200,
  },
  {
    name: 'instances with a repeated query key',
    spec: { method: 'GET', path: '/v1/instances', query: 'plugin=echo&plugin=kv-config' },
    status: 400,
  },
  {
    name: 'create with a JSON body',
    spec: {
      method: 'POST',
      path: '/v1/instances',
      headers: json,
      body: '{"name":"gw-echo","plugin":"echo","options":{}}',
    },
    status: 201,
  },
  {
    name: 'create with a base64 body',
    spec: {
      method: 'POST',
      path: '/v1/instances',
      headers: json,
      body: '{"name":"gw-echo-b64","plugin":"echo","options":{}}',
      base64: true,
    },
    status: 201,
  },
  {
    name: 'create with malformed JSON',
    spec: { method: 'POST', path: '/v1/instances', headers: json, body: '{"name":"gw-' },
    status: 400,
  },
  {
    name: 'unknown instance',
    spec: { method: 'GET', path: '/v1/instances/does-not-exist', routeKey: 'GET /v1/instances/{name}' },
    status: 404,
  },
  {
    name: 'unknown route through $default',
    spec: { method: 'GET', path: '/v1/does-not-exist', routeKey: '$default' },
    status: 404,
  },
  {
    name: 'trailing slash is a different path',
    spec: { method: 'GET', path: '/v1/plugins/', routeKey: '$default' },
    status: 404,
  },
  {
    name: 'an action with a base64 body',
    spec: {
      method: 'POST',
      path: '/v1/instances/gw-echo/actions/echo',
      headers: json,
      body: '{"params":{"message":"h\u00e9llo"}}',
      base64: true,
    },
    status: 200,
  },
];

describe('dispatcher Lambda handler (HTTP API payload 2.0) against the local server', () => {
  for (const { name, spec, status } of cases) {
    it(`${name}: same status and body as the local platform`, async () => {
      const lambda = await viaLambda(iam, spec);
      if (spec.method === 'POST' && spec.path === '/v1/instances' && status === 201) {
        // The name is taken once the Lambda created it: the local side must now say so, and a
        // fresh name must give the same body shape.
        expect(lambda.status).toBe(201);
        expect((await viaLocal(spec)).status).toBe(409);
        return;
      }
      const localOutcome = await viaLocal(spec);
      expect(lambda.status).toBe(status);
      expect(localOutcome.status).toBe(status);
      expect(lambda.body).toEqual(localOutcome.body);
    });
  }

  it('decodes a base64 body exactly like the plain one', async () => {
    const plain = await viaLambda(iam, cases[11]!.spec);
    expect((plain.body as { result: unknown }).result).toEqual({ message: 'h\u00e9llo' });
  });

  it("uses API Gateway's request id", async () => {
    const res = await viaLambda(iam, {
      method: 'GET',
      path: '/v1/instances/missing',
      requestId: 'Abc123Request=',
    });
    expect(res.raw.headers?.['x-request-id']).toBe('Abc123Request=');
    expect(JSON.parse(res.raw.body ?? '{}').requestId).toBe('Abc123Request=');
    // An action's answer, which carries the id in the headers it is made with.
    const action = cases.find((c) => c.name === 'an action with a base64 body')!.spec;
    const acted = await viaLambda(iam, { ...action, requestId: 'Def456Request=' });
    expect(acted.status).toBe(200);
    expect(acted.raw.headers).toMatchObject({
      'x-request-id': 'Def456Request=',
      'content-type': 'application/json',
    });
    expect(JSON.parse(acted.raw.body ?? '{}').requestId).toBe('Def456Request=');
  });

  it('answers 401 when no authorizer identity reached the function', async () => {
    expect((await viaLambda(iam, { method: 'GET', path: '/v1/plugins', authorizer: 'none' })).status).toBe(
      401,
    );
  });

  it('maps JWT scopes onto the API scopes', async () => {
    const reader = { jwtScopes: null };
    expect((await viaLambda(jwt, { method: 'GET', path: '/v1/plugins', authorizer: reader })).status).toBe(
      200,
    );
    const invoker = { jwtScopes: ['plugboard/invoke'] };
    const create = {
      method: 'POST',
      path: '/v1/instances',
      headers: json,
      body: '{"name":"jwt-echo","plugin":"echo"}',
    };
    expect((await viaLambda(jwt, { ...create, authorizer: invoker })).status).toBe(403);
    expect((await viaLambda(jwt, { ...create, authorizer: { jwtScopes: ['admin'] } })).status).toBe(201);
    const act = { method: 'POST', path: '/v1/instances/jwt-echo/actions/echo', headers: json, body: '{}' };
    expect((await viaLambda(jwt, { ...act, authorizer: invoker })).status).toBe(200);
    expect(
      (await viaLambda(jwt, { ...act, authorizer: { jwtScopes: [], claims: { scope: 'openid invoke' } } }))
        .status,
    ).toBe(200);
    expect((await viaLambda(jwt, { ...act, authorizer: { jwtScopes: ['publish'] } })).status).toBe(403);
  });

  it('returns only once the work a request started has settled, before Lambda freezes it', async () => {
    let release = () => {};
    const settled = new Promise<void>((done) => {
      release = done;
    });
    const deps = { ...local.platform.deps, authenticate: apiGatewayAuthenticator('iam') };
    const handler = createLambdaDispatcher(deps, undefined, () => () => settled);
    let returned = false;
    const call = handler(
      httpApiEvent({ method: 'GET', path: '/v1/health' }) as unknown as Parameters<typeof handler>[0],
      lambdaContext,
    ).then(() => {
      returned = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(returned).toBe(false);
    release();
    await call;
    expect(returned).toBe(true);
  });

  it('waits for that work no longer than the function has left, less the margin for its answer', async () => {
    const deps = { ...local.platform.deps, authenticate: apiGatewayAuthenticator('iam') };
    const never = new Promise<void>(() => {});
    const handler = createLambdaDispatcher(deps, undefined, () => () => never);
    const started = Date.now();
    const result = (await handler(
      httpApiEvent({ method: 'GET', path: '/v1/health' }) as unknown as Parameters<typeof handler>[0],
      { ...lambdaContext, getRemainingTimeInMillis: () => ANSWER_MARGIN_MS + 100 } as Context,
    )) as APIGatewayProxyStructuredResultV2;
    expect(result.statusCode).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('the Lambda dispatcher with CORS origins (behind the OPTIONS route without authorizer)', () => {
  const consoleOrigin = 'https://console.example.com';
  const cors = () =>
    createLambdaDispatcher(
      {
        ...local.platform.deps,
        requestId: apiGatewayRequestId,
        authenticate: apiGatewayAuthenticator('iam'),
      },
      { corsOrigins: [consoleOrigin] },
    );
  const preflight = (origin: string): EventSpec => ({
    method: 'OPTIONS',
    path: '/v1/instances',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization',
    },
    routeKey: 'OPTIONS /{proxy+}',
    authorizer: 'none',
  });

  it('answers a preflight from a listed origin with no identity, as API Gateway would', async () => {
    const { status, raw } = await viaLambda(cors(), preflight(consoleOrigin));
    expect(status).toBe(204);
    expect(raw.headers?.['access-control-allow-origin']).toBe(consoleOrigin);
    expect(raw.headers?.['access-control-allow-headers']).toMatch(/authorization/);
  });

  it('refuses a preflight from another origin with a problem carrying no CORS header', async () => {
    const { status, raw } = await viaLambda(cors(), preflight('https://evil.example.com'));
    expect(status).toBe(403);
    expect(Object.keys(raw.headers ?? {}).filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });

  it("puts the CORS headers on a 401 the dispatcher answers, where API Gateway's would replace them", async () => {
    const { status, raw } = await viaLambda(cors(), {
      method: 'GET',
      path: '/v1/plugins',
      headers: { origin: consoleOrigin },
      authorizer: 'none',
    });
    expect(status).toBe(401);
    expect(raw.headers?.['access-control-allow-origin']).toBe(consoleOrigin);
    expect(raw.headers?.vary).toBe('Origin');
  });
});
