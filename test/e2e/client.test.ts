import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  type Instance,
  PlugboardApiError,
  PlugboardClient,
  type Subscription,
  type WebhookSource,
} from '../../lib/client';
import { apiErrorFrom } from '../../lib/client/errors';
import { rejection } from '../fixtures/rejection';
import { startTestPlatform, type TestPlatform } from './harness';
import { sendWebhook } from './send-webhook';
import { waitFor } from './wait-for';

let pb: TestPlatform;
let client: PlugboardClient;

beforeAll(async () => {
  pb = await startTestPlatform();
  client = new PlugboardClient({ baseUrl: pb.platform.url, token: pb.platform.token });
});
afterAll(async () => {
  await pb?.close();
});

const apiError = (work: Promise<unknown>) => rejection(work, PlugboardApiError);

describe('plugboard/client against the local platform', () => {
  it('reads health, plugins, docs and templates with types from the dispatcher schemas', async () => {
    expect(await client.health()).toEqual({ status: 'ok' });
    const list = await client.plugins.list();
    expectTypeOf(list.plugins[0]!.slug).toEqualTypeOf<string>();
    expect(list.plugins.map((p) => p.slug)).toContain('hmac-signer');
    const plugin = await client.plugins.get('hmac-signer');
    expect(plugin.schemas.actions.sign).toMatchObject({ required: ['payload'] });
    const docs = await client.plugins.docs('hmac-signer', { topic: 'overview', detail: 'full' });
    expect(docs.topics[0]).toMatchObject({ topic: 'overview' });
    expect(await client.plugins.template('echo')).toMatchObject({ instance: { plugin: 'echo' } });
  });

  it('creates, pages through, reads with an ETag, patches with If-Match and deletes instances', async () => {
    for (const name of ['client-a', 'client-b', 'client-c']) {
      const created = await client.instances.create({ name, plugin: 'echo', description: 'from the client' });
      expectTypeOf(created).toEqualTypeOf<Instance>();
      expect(created).toMatchObject({ name, plugin: 'echo', version: 1 });
    }
    const names: string[] = [];
    for await (const instance of client.instances.all({ plugin: 'echo', pageSize: 1 }))
      names.push(instance.name);
    expect(names.filter((n) => n.startsWith('client-'))).toEqual(['client-a', 'client-b', 'client-c']);
    const page = await client.instances.list({ plugin: 'echo', limit: 1 });
    expect(page.instances).toHaveLength(1);
    expect(page.nextCursor).toEqual(expect.any(String));

    const { instance, etag } = await client.instances.get('client-a');
    expect(etag).toBe(`"${instance.version}-${instance.generation}"`);
    const patched = await client.instances.patch('client-a', { description: 'patched' }, { ifMatch: etag });
    expect(patched).toMatchObject({ description: 'patched', version: instance.version + 1 });
    const stale = await apiError(
      client.instances.patch('client-a', { description: 'again' }, { ifMatch: etag }),
    );
    expect(stale).toMatchObject({ status: 412, code: 'VersionConflict' });
    await client.instances.delete('client-a', { ifMatch: `"${patched.version}-${patched.generation}"` });
    const gone = await apiError(client.instances.get('client-a'));
    expect(gone).toMatchObject({ status: 404, code: 'NotFound', requestId: expect.any(String) });
  });

  it('gives, for an answer whose ETag a proxy dropped, the tag If-Match holds a write to: version and generation', async () => {
    const stripping = new PlugboardClient({
      baseUrl: pb.platform.url,
      token: pb.platform.token,
      fetch: async (request) => {
        const answer = await fetch(request);
        const headers = new Headers(answer.headers);
        headers.delete('etag');
        return new Response(answer.body, { status: answer.status, headers });
      },
    });
    const first = await client.instances.create({ name: 'client-stripped', plugin: 'echo' });
    await client.instances.delete('client-stripped');
    await client.instances.create({ name: 'client-stripped', plugin: 'echo' });
    const { instance, etag } = await stripping.instances.get('client-stripped');
    expect(etag).toBe(`"1-${instance.generation}"`);
    expect(etag).toBe((await client.instances.get('client-stripped')).etag);
    const fromFirst = `"1-${first.generation}"`;
    expect(
      await apiError(stripping.instances.patch('client-stripped', { order: 1 }, { ifMatch: fromFirst })),
    ).toMatchObject({
      status: 412,
    });
    expect(await stripping.instances.patch('client-stripped', { order: 1 }, { ifMatch: etag })).toMatchObject(
      {
        version: 2,
      },
    );
  });

  it('sets credentials without ever reading them back, and invokes actions and operations', async () => {
    await client.instances.create({ name: 'client-signer', plugin: 'hmac-signer' });
    const missing = await apiError(client.action('client-signer', 'sign', { payload: 'x' }));
    expect(missing).toMatchObject({ status: 409, code: 'CredentialsMissing' });
    expect(await client.credentials.put('client-signer', { signingKey: 'k3y-for-the-client-test' })).toEqual({
      set: ['signingKey'],
      missing: [],
    });
    expect(await client.credentials.get('client-signer')).toEqual({ set: ['signingKey'], missing: [] });
    const signed = await client.action('client-signer', 'sign', { payload: 'hello' });
    expect(signed.result).toMatchObject({
      algorithm: 'sha256',
      signature: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(signed.requestId).toEqual(expect.any(String));
    await client.credentials.delete('client-signer');
    expect(await client.credentials.get('client-signer')).toEqual({ set: [], missing: ['signingKey'] });

    await client.instances.create({ name: 'client-config', plugin: 'kv-config' });
    await client.operation('client-config', 'configuration.setValue', { key: 'a', value: 'b' });
    const values = await client.operation('client-config', 'configuration.getValues', { keys: ['a', 'z'] });
    expect(values.result).toEqual([expect.objectContaining({ key: 'a', value: 'b' })]);
  });

  it('surfaces problems as PlugboardApiError with field errors and the request id', async () => {
    const invalid = await apiError(client.instances.create({ name: 'Bad Name', plugin: 'echo' }));
    expect(invalid).toMatchObject({ status: 400, code: 'Validation', detail: expect.any(String) });
    expect(invalid.errors.map((e) => e.pointer)).toContain('/name');
    expect(invalid.problem.type).toMatch(/^urn:plugboard:problem:/);
    const params = await apiError(client.action('client-b', 'echo', { nope: 1 }));
    expect(params.errors).toEqual([expect.objectContaining({ pointer: '/params/nope' })]);

    const stranger = new PlugboardClient({ baseUrl: pb.platform.url, token: 'wrong' });
    expect(await apiError(stranger.plugins.list())).toMatchObject({ status: 401, code: 'Unauthenticated' });
  });

  it('lets a sign hook authorise each request, and request() reaches any route', async () => {
    const signed: string[] = [];
    const signing = new PlugboardClient({
      baseUrl: `${pb.platform.url}/`,
      sign: (request) => {
        signed.push(`${request.method} ${new URL(request.url).pathname}`);
        const headers = new Headers(request.headers);
        headers.set('authorization', `Bearer ${pb.platform.token}`);
        return new Request(request, { headers });
      },
    });
    expect((await signing.plugins.list()).errors).toEqual([]);
    expect(signed).toEqual(['GET /v1/plugins']);
    const raw = await signing.request<{ openapi: string }>('get', '/v1/openapi.json');
    expect(raw.status).toBe(200);
    expect(raw.body.openapi).toBe('3.1.0');
  });

  it('publishes events, reads the event log and the dead-letter queue', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const published = await client.events.publish([
      { Source: 'client.test', DetailType: 'Client Tested', Detail: JSON.stringify({ n: 1 }) },
    ]);
    expect(published.FailedEntryCount).toBe(0);
    const log = await client.events.log({ from: since, limit: 1000 });
    expect(log.events.map((e) => e.id)).toContain(published.Entries[0]!.EventId);
    expect(Array.isArray((await client.dlq.list()).deadLetters)).toBe(true);
  });

  it('deletes a dead letter by its id, and names an unknown one', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const { Entries } = await client.events.publish([
      { Source: 'client.test', DetailType: 'Client Letter', Detail: '{}' },
    ]);
    const event = (await client.events.log({ from: since, limit: 1000 })).events.find(
      (e) => e.id === Entries[0]!.EventId,
    );
    const letter = {
      id: `${event!.id}:lifecycle`,
      event: event!,
      target: 'lifecycle',
      attempts: 3,
      reason: 'Unavailable: down',
      failedAt: new Date().toISOString(),
    };
    await pb.platform.eventStore.putDeadLetter(letter);
    await client.dlq.delete(letter.id);
    expect(await pb.platform.eventStore.getDeadLetter(letter.id)).toBeUndefined();
    expect(await apiError(client.dlq.delete(letter.id))).toMatchObject({
      status: 404,
      code: 'NotFound',
      detail: `no dead letter "${letter.id}"`,
    });
  });

  it('subscribes an instance, pages through subscriptions, and tests patterns', async () => {
    await client.instances.create({ name: 'client-subscriber', plugin: 'echo' });
    const pattern = { source: ['client.subscribed'] };
    const created = [];
    for (const order of [2, 1]) {
      const subscription = await client.subscriptions.create({
        pattern,
        instance: 'client-subscriber',
        handler: 'events',
        order,
      });
      expectTypeOf(subscription).toEqualTypeOf<Subscription>();
      created.push(subscription);
    }
    expect(created[0]).toMatchObject({ pattern, instance: 'client-subscriber', handler: 'events', order: 2 });
    const ids: string[] = [];
    for await (const subscription of client.subscriptions.all({ pageSize: 1 })) ids.push(subscription.id);
    expect(ids).toEqual(expect.arrayContaining(created.map((s) => s.id)));
    expect(new Set(ids).size).toBe(ids.length);
    expect((await client.subscriptions.list({ limit: 1 })).subscriptions).toHaveLength(1);
    expect(await client.subscriptions.get(created[0]!.id)).toEqual(created[0]);
    await client.subscriptions.delete(created[0]!.id);
    expect(await apiError(client.subscriptions.get(created[0]!.id))).toMatchObject({ status: 404 });
    const missing = await apiError(
      client.subscriptions.create({ pattern, instance: 'no-such-instance', handler: 'events' }),
    );
    expect(missing).toMatchObject({ status: 404, code: 'NotFound' });

    const event = {
      id: '1',
      account: '000000000000',
      source: 'client.subscribed',
      time: '2026-01-01T00:00:00Z',
      region: 'local',
      'detail-type': 'Tested',
      resources: [],
      detail: {},
    };
    expect(await client.events.testPattern(pattern, event)).toBe(true);
    expect(await client.events.testPattern({ source: ['other'] }, event)).toBe(false);
    const bad = await apiError(client.events.testPattern({ source: 'not a list' }, event));
    expect(bad.errors).toEqual([expect.objectContaining({ pointer: '/pattern/source' })]);
  });

  it('manages webhook sources, their rules and deliveries, and guards', async () => {
    await client.instances.create({ name: 'client-audit', plugin: 'audit-log' });
    const secret = 'client-webhook-secret-0123456789';
    const source = await client.webhookSources.put('client-hooks', { secret });
    expectTypeOf(source).toEqualTypeOf<WebhookSource>();
    expect(source).toMatchObject({ name: 'client-hooks', signatureHeader: 'x-hub-signature-256' });
    expect(JSON.stringify(source)).not.toContain(secret);
    expect((await client.webhookSources.list()).sources.map((s) => s.name)).toContain('client-hooks');
    expect(await client.webhookSources.get('client-hooks')).toEqual(source);
    const rule = await client.webhookSources.addRule('client-hooks', {
      handler: 'audit-log#record',
      actionConfig: { label: 'from the client' },
    });
    expect((await client.webhookSources.rules('client-hooks')).rules).toEqual([rule]);

    const body = '{"n":1}';
    const received = await sendWebhook(pb.platform.url, 'client-hooks', {
      secret,
      body,
      deliveryId: 'client-1',
    });
    expect(received.status).toBe(202);
    const latest = async () =>
      (await client.webhookSources.deliveries('client-hooks', { limit: 1 })).deliveries[0];
    await waitFor(async () => (await latest())?.status === 'processed', 10_000, 'the delivery processed');
    const delivery = (await latest())!;
    expect(delivery.outcomes).toEqual([
      expect.objectContaining({ rule: rule.id, instance: 'client-audit', outcome: 'succeeded' }),
    ]);
    await client.webhookSources.deleteRule('client-hooks', rule.id);
    expect((await client.webhookSources.rules('client-hooks')).rules).toEqual([]);
    await client.webhookSources.delete('client-hooks');
    expect(await apiError(client.webhookSources.rules('client-hooks'))).toMatchObject({ status: 404 });

    await client.instances.create({ name: 'client-window', plugin: 'change-window' });
    const guard = await client.guards.attach({
      instance: 'client-window',
      role: 'preHook',
      plugins: ['echo'],
    });
    expect(guard).toMatchObject({ id: 'preHook:client-window', plugins: ['echo'] });
    expect((await client.guards.list()).guards).toContainEqual(guard);
    await client.guards.detach(guard.id);
    expect((await client.guards.list()).guards).not.toContainEqual(guard);
    expect(await apiError(client.guards.detach(guard.id))).toMatchObject({ status: 404 });
  });

  it('turns a body that is not a problem into an error too, keeping retryAt of one that is', () => {
    expect(apiErrorFrom(502, undefined, '<html>bad gateway</html>', 'r-1')).toMatchObject({
      status: 502,
      code: 'Http502',
      requestId: 'r-1',
    });
    const limited = apiErrorFrom(
      429,
      {
        type: 'urn:plugboard:problem:RateLimited',
        title: 'Rate limited',
        status: 429,
        code: 'RateLimited',
        detail: 'slow down',
        requestId: 'r-2',
        retryAt: '2030-01-01T00:00:00.000Z',
      },
      '',
      null,
    );
    expect(limited.retryAt).toEqual(new Date('2030-01-01T00:00:00.000Z'));
  });

  it("names API Gateway's own refusals with the platform's codes and their message", () => {
    const refusal = (status: number, message: string) =>
      apiErrorFrom(status, { message }, JSON.stringify({ message }), null);
    expect(refusal(403, 'The security token included in the request is invalid.')).toMatchObject({
      code: 'Forbidden',
      detail: 'The security token included in the request is invalid.',
      message: 'Forbidden (403): The security token included in the request is invalid.',
    });
    expect(refusal(401, 'Unauthorized')).toMatchObject({ code: 'Unauthenticated', detail: 'Unauthorized' });
    expect(refusal(429, 'Too Many Requests')).toMatchObject({ code: 'RateLimited' });
    expect(refusal(504, 'Endpoint request timed out')).toMatchObject({ code: 'Timeout' });
    // A status the table does not name keeps its number; the message is still the detail.
    expect(refusal(500, 'Internal Server Error')).toMatchObject({
      code: 'Http500',
      detail: 'Internal Server Error',
    });
  });
});
