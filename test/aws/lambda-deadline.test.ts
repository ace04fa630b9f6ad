import { join } from 'node:path';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANSWER_MARGIN_MS, apiGatewayAuthenticator, lambdaDeadline } from '../../lib/aws/api-gateway-auth';
import { createLambdaDispatcher } from '../../lib/aws/lambda-dispatcher';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';
import { httpApiEvent } from '../fixtures/apigw/http-api-event';

let local: TestPlatform;
let dispatch: ReturnType<typeof createLambdaDispatcher>;

beforeAll(async () => {
  local = await startTestPlatform({ pluginsDir: join(import.meta.dirname, '../fixtures/fault-plugins') });
  expect((await local.call('POST', '/v1/instances', { name: 'slow', plugin: 'faulty' })).status).toBe(201);
  dispatch = createLambdaDispatcher({
    ...local.platform.deps,
    authenticate: apiGatewayAuthenticator('iam'),
    deadline: lambdaDeadline,
  });
});
afterAll(async () => {
  await local?.close();
});

/** Calls an action of `slow` through the Lambda handler, the function having `remainingMs` left. */
async function callWithTimeLeft(action: string, remainingMs: number) {
  const context = {
    awsRequestId: 'lambda-request',
    functionName: 'dispatcher',
    getRemainingTimeInMillis: () => remainingMs,
  } as unknown as Context;
  const event = httpApiEvent({
    method: 'POST',
    path: `/v1/instances/slow/actions/${action}`,
    headers: { 'content-type': 'application/json' },
    body: '{}',
  }) as unknown as Parameters<typeof dispatch>[0];
  const started = Date.now();
  const result = (await dispatch(event, context)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: JSON.parse(result.body ?? '{}'), ms: Date.now() - started };
}

describe("the dispatcher Lambda's own timeout", () => {
  it('cuts a plugin call short of it, answering a 504 problem rather than being cut by Lambda', async () => {
    // The plugin's timeout is 1 s; the function has 0.4 s left once its margin is kept back.
    const cut = await callWithTimeLeft('sleep', ANSWER_MARGIN_MS + 400);
    expect(cut.status).toBe(504);
    expect(cut.body).toMatchObject({ code: 'Timeout' });
    expect(cut.ms).toBeLessThan(950);
  });

  it('does not start a call it has no time left for', async () => {
    const none = await callWithTimeLeft('ok', ANSWER_MARGIN_MS + 20);
    expect(none.status).toBe(504);
    expect(none.body.detail).toContain('no time was left');
  });

  it("leaves a call the plugin's own timeout when the function has time enough", async () => {
    expect((await callWithTimeLeft('ok', 25_000)).status).toBe(200);
  });
});
