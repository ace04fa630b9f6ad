import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceService } from '../../lib/core/instances/instance-service';
import { signBody } from '../../lib/core/webhooks/signature';
import { auditSeen, startTestPlatform, type TestPlatform } from './harness';
import { sendWebhook } from './send-webhook';
import { waitFor } from './wait-for';

const SECRET = 'webhook-secret-0123456789abcdef';
let pb: TestPlatform;

beforeAll(async () => {
  pb = await startTestPlatform({ retry: { attempts: 2, baseDelayMs: 20 } });
});
afterAll(async () => {
  await pb?.close();
});

const create = (name: string, plugin: string, options?: Record<string, unknown>) =>
  pb.createInstance(name, plugin, options);
const seen = (instance: string) => auditSeen(pb, instance);

/** A delivery to `gh` carrying the sender's own credentials, which must never reach a plugin. */
async function deliver(body: string, deliveryId: string, signature = signBody(SECRET, Buffer.from(body))) {
  const response = await sendWebhook(
    pb.platform.url,
    'gh',
    { secret: SECRET, body, deliveryId },
    {
      'x-hub-signature-256': signature,
      'x-event': 'push',
      authorization: 'Bearer sender-credential',
      'x-gitlab-token': 'sender-credential',
      'x-api-key': 'sender-credential',
    },
  );
  return { status: response.status, body: await response.json() };
}

describe('webhooks over loopback HTTP', () => {
  it('verifies, dedupes, records and dispatches to every instance of the rule plugin', async () => {
    await create('hooks-a', 'audit-log');
    await create('hooks-b', 'audit-log');
    const source = await pb.call('PUT', '/v1/webhook-sources/gh', { secret: SECRET });
    expect(source.status).toBe(201);
    expect(source.headers.get('location')).toBe('/v1/webhook-sources/gh');
    expect((await pb.call('GET', source.headers.get('location')!)).body).toEqual(source.body);
    expect(source.text).not.toContain(SECRET);
    const badConfig = await pb.call('POST', '/v1/webhook-sources/gh/rules', {
      handler: 'audit-log#record',
      actionConfig: { label: 7 },
    });
    expect(badConfig.status).toBe(400);
    expect(badConfig.body.errors[0].pointer).toBe('/actionConfig/label');
    const handlerError = async (handler: string) => {
      const res = await pb.call('POST', '/v1/webhook-sources/gh/rules', { handler });
      expect(res.status).toBe(400);
      expect(res.body.errors).toHaveLength(1);
      expect(res.body.errors[0].pointer).toBe('/handler');
      expect(res.body.detail).toBe(`the handler is not valid: ${res.body.errors[0].detail}`);
      return res.body.errors[0].detail;
    };
    expect(await handlerError('audit-log#recrod')).toBe(
      'plugin "audit-log" has no webhook action "recrod"; known: record',
    );
    for (const handler of ['audit-log.record', 'audit-log', '#record', 'audit-log#', 'audit-log#record#x'])
      expect(await handlerError(handler)).toBe(
        'must be slug#action naming a webhook action, such as audit-log#record',
      );
    const rule = await pb.call('POST', '/v1/webhook-sources/gh/rules', {
      filter: { headers: { 'x-event': ['push'] } },
      identifierSelector: '/repository/id',
      handler: 'audit-log#record',
      actionConfig: { label: 'pushes' },
    });
    expect(rule.status).toBe(201);

    const body = JSON.stringify({ repository: { id: 42 } });
    const forged = await deliver(body, 'd-forged', signBody('wrong-secret-0000000000', Buffer.from(body)));
    expect(forged.status).toBe(401);
    const deliveries = async () => (await pb.call('GET', '/v1/webhooks/gh/deliveries')).body.deliveries;
    expect(await deliveries()).toEqual([]);

    const first = await deliver(body, 'd-1');
    expect(first).toEqual({ status: 202, body: { status: 'accepted', deliveryId: 'd-1' } });
    const again = await deliver(body, 'd-1');
    expect(again).toEqual({ status: 200, body: { status: 'duplicate', deliveryId: 'd-1' } });

    await waitFor(async () => (await deliveries())[0]?.status === 'processed');
    const [recorded] = await deliveries();
    expect((await deliveries()).length).toBe(1);
    expect(recorded.headers['x-event']).toBe('push');
    expect(JSON.stringify(recorded)).not.toContain('sender-credential');
    expect(recorded.outcomes).toEqual([
      { rule: rule.body.id, instance: 'hooks-a', outcome: 'succeeded' },
      { rule: rule.body.id, instance: 'hooks-b', outcome: 'succeeded' },
    ]);
    await pb.platform.events.router.idle();
    expect((await seen('hooks-a')).webhooks).toEqual([
      { label: 'pushes', externalIdentifier: '42', payload: { repository: { id: 42 } } },
    ]);
    const log = await pb.call('GET', '/v1/events/log?limit=1000');
    expect(
      log.body.events.filter((e: { 'detail-type': string }) => e['detail-type'] === 'Webhook Received'),
    ).toHaveLength(1);
  });

  it('replaces a source keeping when it was made, and a source made again starts with no deliveries', async () => {
    const before = (await pb.call('GET', '/v1/webhook-sources')).body.sources[0];
    const replaced = await pb.call('PUT', '/v1/webhook-sources/gh', { secret: SECRET });
    expect(replaced.status).toBe(200);
    expect(replaced.body.createdAt).toBe(before.createdAt);

    expect((await pb.call('DELETE', '/v1/webhook-sources/gh')).status).toBe(204);
    expect((await pb.call('PUT', '/v1/webhook-sources/gh', { secret: SECRET })).status).toBe(201);
    expect((await pb.call('GET', '/v1/webhooks/gh/deliveries')).body.deliveries).toEqual([]);
    const body = JSON.stringify({ repository: { id: 43 } });
    expect(await deliver(body, 'd-1')).toEqual({
      status: 202,
      body: { status: 'accepted', deliveryId: 'd-1' },
    });
  });
});

describe('guards over loopback HTTP', () => {
  it('stops an action with 424 naming the pre-hook, and the action never runs', async () => {
    await create('guarded', 'incrementer');
    const window = await create('freeze', 'change-window', { frozen: true });
    const attach = await pb.call('POST', '/v1/guards', {
      instance: 'freeze',
      role: 'preHook',
      plugins: ['incrementer'],
    });
    expect(attach.status).toBe(201);
    const again = await pb.call('POST', '/v1/guards', {
      instance: 'freeze',
      role: 'preHook',
      plugins: ['incrementer'],
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(attach.body);

    const vetoed = await pb.call('POST', '/v1/instances/guarded/actions/increment', { params: { step: 5 } });
    expect(vetoed.status).toBe(424);
    expect(vetoed.body).toMatchObject({ code: 'PreHookVetoed', detail: expect.stringContaining('"freeze"') });
    expect(vetoed.body.detail).toContain('changes are frozen');

    await pb.call(
      'PATCH',
      '/v1/instances/freeze',
      { options: { frozen: false } },
      { 'if-match': `"${window.version}-${window.generation}"` },
    );
    const status = await pb.call('POST', '/v1/instances/guarded/actions/status', {});
    expect(status.status).toBe(200);
    // The vetoed increment never ran: the counter was never written.
    expect(status.body.result).toEqual({ counters: {} });
    await pb.call('DELETE', '/v1/guards/preHook:freeze');
  });

  it('denies with 403 naming the authorizer when any authorizer in the chain refuses', async () => {
    await create('open-door', 'allow-list', { instances: '*' });
    await create('picky', 'allow-list', { instances: 'somebody-else' });
    await pb.call('POST', '/v1/guards', {
      instance: 'open-door',
      role: 'authorizer',
      plugins: ['incrementer'],
      order: 1,
    });
    await pb.call('POST', '/v1/guards', {
      instance: 'picky',
      role: 'authorizer',
      plugins: ['incrementer'],
      order: 2,
    });
    const denied = await pb.call('POST', '/v1/instances/guarded/actions/increment', {});
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({
      code: 'AuthorizerDenied',
      detail: expect.stringContaining('"picky"'),
    });
    expect((await pb.call('POST', '/v1/instances/guarded/actions/status', {})).status).toBe(403);
    await pb.call('DELETE', '/v1/guards/authorizer:picky');
    const allowed = await pb.call('POST', '/v1/instances/guarded/actions/increment', {});
    expect(allowed.status).toBe(200);
    expect(allowed.body.result).toMatchObject({ value: 1 });
    await pb.call('DELETE', '/v1/guards/authorizer:open-door');
  });
});

describe('guards limited to plugins', () => {
  it('refuses plugins that are not loaded, which the guard would never guard', async () => {
    await create('typo-window', 'change-window');
    const refused = await pb.call('POST', '/v1/guards', {
      instance: 'typo-window',
      role: 'preHook',
      plugins: ['incrementer', 'incrementor', 'Echo'],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([
      { pointer: '/plugins/1', detail: 'no plugin "incrementor" is loaded' },
      { pointer: '/plugins/2', detail: 'no plugin "Echo" is loaded' },
    ]);
    expect((await pb.call('GET', '/v1/guards')).body.guards).not.toContainEqual(
      expect.objectContaining({ instance: 'typo-window' }),
    );
  });
});

describe('instances that others depend on', () => {
  it('are not deleted while a subscription delivers to them or a guard runs them', async () => {
    const target = await create('subscribed-to', 'audit-log');
    const subscription = await pb.call('POST', '/v1/subscriptions', {
      pattern: { source: ['depended.test'] },
      instance: 'subscribed-to',
      handler: 'events',
    });
    const refused = await pb.call('DELETE', '/v1/instances/subscribed-to');
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'InUse', title: 'Still in use' });
    expect(refused.body.detail).toBe(
      `instance "subscribed-to" is still in use by subscription ${subscription.body.id}: delete those subscriptions and detach those guards first`,
    );
    // Nothing was touched: the instance, its version and the subscription are all there.
    expect((await pb.call('GET', '/v1/instances/subscribed-to')).body.version).toBe(target.version);
    expect((await pb.call('GET', `/v1/subscriptions/${subscription.body.id}`)).status).toBe(200);
    await pb.call('DELETE', `/v1/subscriptions/${subscription.body.id}`);
    expect((await pb.call('DELETE', '/v1/instances/subscribed-to')).status).toBe(204);

    await create('guarding', 'change-window');
    await pb.call('POST', '/v1/guards', { instance: 'guarding', role: 'preHook', plugins: ['echo'] });
    const guarded = await pb.call('DELETE', '/v1/instances/guarding');
    expect(guarded.status).toBe(409);
    expect(guarded.body.detail).toMatch(/still in use by guard preHook:guarding:/);
    await pb.call('DELETE', '/v1/guards/preHook:guarding');
    expect((await pb.call('DELETE', '/v1/instances/guarding')).status).toBe(204);
  });

  it('answers 404, not 409, for a missing instance that something still names', async () => {
    // As an instance deleted before dependents were checked may have left them.
    const service = new InstanceService(pb.platform.deps, async () => ['subscription left-behind']);
    await expect(service.delete('long-gone')).rejects.toMatchObject({ code: 'NotFound' });
  });
});

describe('guards and subscriptions that could never run', () => {
  it('are refused when the instance plugin lacks the handler they need', async () => {
    await create('no-hooks', 'echo');
    const guard = await pb.call('POST', '/v1/guards', { instance: 'no-hooks', role: 'authorizer' });
    expect(guard.status).toBe(400);
    expect(guard.body.errors).toEqual([
      { pointer: '/role', detail: 'plugin "echo" of instance "no-hooks" has no authorizer handler' },
    ]);
    await create('no-events', 'change-window');
    const subscription = await pb.call('POST', '/v1/subscriptions', {
      pattern: { source: ['never'] },
      instance: 'no-events',
      handler: 'events',
    });
    expect(subscription.status).toBe(400);
    expect(subscription.body.errors).toEqual([
      { pointer: '/handler', detail: 'plugin "change-window" has no events handler' },
    ]);
    const lifecycle = await pb.call('POST', '/v1/subscriptions', {
      pattern: { source: ['never'] },
      instance: 'no-events',
      handler: 'lifecycle:onInstanceCreated',
    });
    expect(lifecycle.body.errors).toEqual([
      {
        pointer: '/handler',
        detail: 'plugin "change-window" is not of type lifecycle, so it has no lifecycle hooks',
      },
    ]);
    expect((await pb.call('GET', '/v1/guards')).body.guards).not.toContainEqual(
      expect.objectContaining({ instance: 'no-hooks' }),
    );
  });
});
