import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PatternIndex } from '../../lib/core/events/pattern';
import { ENTRY_LIMIT, padTo } from '../fixtures/entry-size';
import { auditSeen, startTestPlatform, type TestPlatform } from './harness';
import { waitFor } from './wait-for';

let pb: TestPlatform;

beforeAll(async () => {
  pb = await startTestPlatform({ retry: { attempts: 3, baseDelayMs: 20 } });
});
afterAll(async () => {
  await pb?.close();
});

const create = (name: string, plugin: string, options?: Record<string, unknown>) =>
  pb.createInstance(name, plugin, options);
const seen = (instance: string) => auditSeen(pb, instance);

/**
 * After one call set off a loop through `subscriptionId`: the instance's `detailType` events reached
 * depths 0 to 16, and the 17th link is the subscription's one dead letter, with the reason.
 */
async function expectChainStopped(subscriptionId: string, detailType: string, instance: string) {
  await pb.platform.events.router.idle();
  const chain = (await pb.call('GET', '/v1/events/log?limit=1000')).body.events.filter(
    (e: { detail: { instance?: string }; 'detail-type': string }) =>
      e['detail-type'] === detailType && e.detail.instance === instance,
  );
  expect(
    chain
      .map((e: { detail: { chainDepth?: number } }) => e.detail.chainDepth ?? 0)
      .sort((a: number, b: number) => a - b),
  ).toEqual(Array.from({ length: 17 }, (_, i) => i));
  const letters = (await pb.call('GET', '/v1/dlq')).body.deadLetters.filter(
    (l: { target: string }) => l.target === subscriptionId,
  );
  expect(letters).toHaveLength(1);
  expect(letters[0]).toMatchObject({ attempts: 0, event: { detail: { chainDepth: 16 } } });
  expect(letters[0].reason).toMatch(/16 deliveries in a row/);
  await pb.call('DELETE', `/v1/subscriptions/${subscriptionId}`);
}

describe('events over loopback HTTP', () => {
  it('delivers an incrementer event to every matching subscription once, in declared order', async () => {
    await create('counter', 'incrementer');
    await create('audit-a', 'audit-log');
    await create('audit-b', 'audit-log');
    const pattern = { source: ['plugboard.plugin.incrementer'], 'detail-type': ['Counter Changed'] };
    const second = await pb.call('POST', '/v1/subscriptions', {
      pattern,
      instance: 'audit-b',
      handler: 'events',
      order: 2,
    });
    const first = await pb.call('POST', '/v1/subscriptions', {
      pattern,
      instance: 'audit-a',
      handler: 'events',
      order: 1,
    });
    const note = await pb.call('POST', '/v1/subscriptions', {
      pattern: { ...pattern, detail: { value: [{ numeric: ['>=', 1] }] } },
      instance: 'audit-b',
      handler: 'action:note',
      params: { text: 'counter moved' },
      order: 3,
    });
    expect([first.status, second.status, note.status]).toEqual([201, 201, 201]);
    expect(first.headers.get('location')).toBe(`/v1/subscriptions/${first.body.id}`);
    expect((await pb.call('GET', first.headers.get('location')!)).body).toEqual(first.body);

    const inc = await pb.call('POST', '/v1/instances/counter/actions/increment', { params: { step: 2 } });
    expect(inc.status).toBe(200);
    await waitFor(async () => (await seen('audit-b')).events.length === 2);
    const a = await seen('audit-a');
    const b = await seen('audit-b');
    expect(a.events).toEqual([
      expect.objectContaining({
        detailType: 'Counter Changed',
        detail: expect.objectContaining({ value: 2 }),
        attempt: 1,
      }),
    ]);
    expect(b.events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ detailType: 'Counter Changed' }),
        { note: 'counter moved' },
      ]),
    );
    // Declared order: audit-a (order 1) had the event before audit-b (order 2), though subscribed later.
    const bEvent = b.events.find((e: { detailType?: string }) => e.detailType === 'Counter Changed');
    expect(bEvent.id).toBe(a.events[0].id);
    expect(a.events[0].at).toBeLessThan(bEvent.at);

    const log = await pb.call('GET', '/v1/events/log?limit=1000');
    expect(log.status).toBe(200);
    const counted = log.body.events.filter((e: { id: string }) => e.id === a.events[0].id);
    expect(counted).toHaveLength(1);
    await pb.platform.events.router.idle();
    expect((await seen('audit-a')).events).toHaveLength(1);
  });

  it('publishes caller events in the PutEvents shape and refuses the platform sources', async () => {
    const sub = await pb.call('POST', '/v1/subscriptions', {
      pattern: { source: ['shop'], detail: { total: [{ numeric: ['>', 100] }] } },
      instance: 'audit-a',
      handler: 'events',
    });
    expect(sub.status).toBe(201);
    const put = await pb.call('POST', '/v1/events', {
      Entries: [
        { Source: 'shop', DetailType: 'Order Placed', Detail: JSON.stringify({ total: 250 }) },
        { Source: 'shop', DetailType: 'Order Placed', Detail: JSON.stringify({ total: 5 }) },
      ],
    });
    expect(put.status).toBe(200);
    expect(put.body.Entries).toHaveLength(2);
    await waitFor(async () =>
      (await seen('audit-a')).events.some((e: { source: string }) => e.source === 'shop'),
    );
    await pb.platform.events.router.idle();
    const shop = (await seen('audit-a')).events.filter((e: { source: string }) => e.source === 'shop');
    expect(shop.map((e: { detail: { total: number } }) => e.detail.total)).toEqual([250]);

    const reserved = await pb.call('POST', '/v1/events', {
      Entries: [{ Source: 'plugboard.plugin.incrementer', DetailType: 'Counter Changed', Detail: '{}' }],
    });
    expect(reserved.status).toBe(400);
    expect(reserved.body.errors[0]).toMatchObject({ pointer: '/Entries/0/Source' });
    expect(reserved.body.detail).toContain('plugboard.plugin.incrementer');
  });

  it('says to send a Detail as JSON text when it is sent as an object, and that a missing one is required', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.object(), fc.array(fc.integer()), fc.integer(), fc.boolean()),
        async (detail) => {
          const put = await pb.call('POST', '/v1/events', {
            Entries: [{ Source: 'shop', DetailType: 'Order Placed', Detail: detail }],
          });
          expect(put.status).toBe(400);
          expect(put.body.errors).toEqual([
            {
              pointer: '/Entries/0/Detail',
              detail:
                'must be a string: the detail object as JSON text (JSON.stringify it), as PutEvents takes it',
            },
          ]);
        },
      ),
      { numRuns: 15 },
    );
    const missing = await pb.call('POST', '/v1/events', { Entries: [{ Source: 'shop', DetailType: 'x' }] });
    expect(missing.body.errors).toEqual([
      { pointer: '/Entries/0/Detail', detail: 'Required: expected string' },
    ]);
  });

  it('takes a caller entry of exactly 256 KB as EventBridge counts it, and refuses one a byte over by name', async () => {
    const base = {
      source: 'shop',
      'detail-type': 'Order Placed',
      resources: ['arn:shop:order/1'],
      detail: { pad: '' },
    };
    const entry = (bytes: number) => ({
      Source: base.source,
      DetailType: base['detail-type'],
      Resources: base.resources,
      Detail: JSON.stringify({ pad: padTo(base, bytes, '🚀') }),
    });
    const taken = await pb.call('POST', '/v1/events', { Entries: [entry(ENTRY_LIMIT)] });
    expect(taken.status).toBe(200);
    const refused = await pb.call('POST', '/v1/events', { Entries: [entry(1000), entry(ENTRY_LIMIT + 1)] });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      code: 'Validation',
      errors: [
        {
          pointer: '/Entries/1',
          detail: "is 262145 bytes as a PutEvents entry, over EventBridge's limit of 262144 bytes (256 KB)",
        },
      ],
    });
    expect(refused.body.detail).toContain('/Entries/1 is 262145 bytes');
  });

  it('tests patterns like TestEventPattern and names an invalid one', async () => {
    const event = {
      id: '1',
      account: '1',
      source: 'shop',
      time: '2026-01-01T00:00:00Z',
      region: 'x',
      'detail-type': 'A',
      resources: [],
      detail: { n: 5 },
    };
    const yes = await pb.call('POST', '/v1/events/test-pattern', {
      pattern: { detail: { n: [{ numeric: ['>', 1] }] } },
      event,
    });
    expect(yes.body).toEqual({ result: true });
    const no = await pb.call('POST', '/v1/events/test-pattern', { pattern: { source: ['other'] }, event });
    expect(no.body).toEqual({ result: false });
    const bad = await pb.call('POST', '/v1/events/test-pattern', { pattern: { source: 'shop' }, event });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toMatch(/^\/pattern\/source/);
    const badSub = await pb.call('POST', '/v1/subscriptions', {
      pattern: { source: 'shop' },
      instance: 'audit-a',
      handler: 'events',
    });
    expect(badSub.status).toBe(400);
  });

  it('sends an always-failing subscriber to the DLQ with its reason, and redrive delivers once fixed', async () => {
    const grumpy = await create('grumpy', 'audit-log', { reject: true });
    const sub = await pb.call('POST', '/v1/subscriptions', {
      pattern: { source: ['tests'], 'detail-type': ['Ping'] },
      instance: 'grumpy',
      handler: 'events',
    });
    await pb.call('POST', '/v1/events', {
      Entries: [{ Source: 'tests', DetailType: 'Ping', Detail: '{"n":1}' }],
    });
    let letters: { id: string; target: string; attempts: number; reason: string }[] = [];
    await waitFor(async () => {
      letters = (await pb.call('GET', '/v1/dlq')).body.deadLetters.filter(
        (l: { target: string }) => l.target === sub.body.id,
      );
      return letters.length === 1;
    });
    expect(letters[0]).toMatchObject({
      attempts: 3,
      reason: expect.stringContaining('audit-log is set to reject events'),
    });
    expect((await seen('grumpy')).events).toEqual([]);
    // The log says so once, at the error level, as AWS raises its DeadLetters alarm.
    const logged = pb.logLines.map((line) => JSON.parse(line)).filter((line) => line.id === letters[0]?.id);
    expect(logged).toEqual([
      expect.objectContaining({
        level: 'error',
        message: 'event dead-lettered: every attempt failed',
        attempts: 3,
        reason: letters[0]?.reason,
      }),
    ]);

    const patch = await pb.call(
      'PATCH',
      '/v1/instances/grumpy',
      { options: { reject: false } },
      {
        'if-match': `"${grumpy.version}-${grumpy.generation}"`,
      },
    );
    expect(patch.status).toBe(200);
    const redrive = await pb.call('POST', '/v1/dlq/redrive', { ids: [letters[0]?.id] });
    expect(redrive.status).toBe(202);
    await waitFor(async () => (await seen('grumpy')).events.length === 1);
    await pb.platform.events.router.idle();
    expect((await seen('grumpy')).events[0]).toMatchObject({ detail: { n: 1 }, attempt: 4 });
    expect(
      (await pb.call('GET', '/v1/dlq')).body.deadLetters.filter(
        (l: { target: string }) => l.target === sub.body.id,
      ),
    ).toEqual([]);
  });

  it('stops a subscription that reacts to its own calls after 16 deliveries, parking the 17th', async () => {
    await create('looper', 'echo');
    const subscribed = await pb.call('POST', '/v1/subscriptions', {
      pattern: {
        source: ['plugboard'],
        'detail-type': ['Operation Succeeded'],
        detail: { instance: ['looper'] },
      },
      instance: 'looper',
      handler: 'action:echo',
      params: { message: 'again' },
    });
    expect(subscribed.status).toBe(201);
    expect(
      (await pb.call('POST', '/v1/instances/looper/actions/echo', { params: { message: 'go' } })).status,
    ).toBe(200);
    await expectChainStopped(subscribed.body.id, 'Operation Succeeded', 'looper');
  });

  it('stops a subscription fed by the events its own handler publishes, parking the 17th', async () => {
    await create('spinner', 'incrementer');
    const subscribed = await pb.call('POST', '/v1/subscriptions', {
      pattern: {
        source: ['plugboard.plugin.incrementer'],
        'detail-type': ['Counter Changed'],
        detail: { instance: ['spinner'] },
      },
      instance: 'spinner',
      handler: 'action:increment',
    });
    expect(subscribed.status).toBe(201);
    expect((await pb.call('POST', '/v1/instances/spinner/actions/increment', { params: {} })).status).toBe(
      200,
    );
    await expectChainStopped(subscribed.body.id, 'Counter Changed', 'spinner');
  });

  it('replays a time range of the log to one subscription', async () => {
    await create('replayed', 'audit-log');
    const from = new Date(Date.now() - 60_000).toISOString();
    await pb.call('POST', '/v1/events', {
      Entries: [{ Source: 'replay-test', DetailType: 'Old', Detail: '{}' }],
    });
    const sub = await pb.call('POST', '/v1/subscriptions', {
      pattern: { source: ['replay-test'] },
      instance: 'replayed',
      handler: 'events',
    });
    await pb.platform.events.router.idle();
    expect((await seen('replayed')).events).toEqual([]);
    const replay = await pb.call('POST', '/v1/events/replay', {
      subscriptionId: sub.body.id,
      from,
      to: new Date(Date.now() + 1000).toISOString(),
    });
    expect(replay.body).toEqual({ replaying: 1 });
    await waitFor(async () => (await seen('replayed')).events.length === 1);
  });

  it('refuses a time range that ends before it starts, for replay and the log alike', async () => {
    const later = new Date().toISOString();
    const earlier = new Date(Date.now() - 60_000).toISOString();
    const replay = await pb.call('POST', '/v1/events/replay', {
      subscriptionId: 'any',
      from: later,
      to: earlier,
    });
    expect(replay.status).toBe(400);
    expect(replay.body.errors).toEqual([{ pointer: '/to', detail: 'must be later than from' }]);
    const log = await pb.call('GET', `/v1/events/log?from=${later}&to=${later}`);
    expect(log.status).toBe(400);
    expect(log.body.errors).toEqual([{ pointer: '/query/to', detail: 'must be later than from' }]);
    expect((await pb.call('GET', `/v1/events/log?from=${earlier}`)).status).toBe(200);
  });

  it('says what form a time takes when one is not a date-time', async () => {
    const form = 'must be an ISO 8601 date-time such as 2026-01-01T00:00:00Z';
    const log = await pb.call('GET', '/v1/events/log?from=yesterday');
    expect(log.body.errors).toEqual([{ pointer: '/query/from', detail: form }]);
    const replay = await pb.call('POST', '/v1/events/replay', {
      subscriptionId: 'any',
      from: '2026-13-01',
      to: '',
    });
    expect(replay.body.errors).toEqual([
      { pointer: '/from', detail: form },
      { pointer: '/to', detail: form },
    ]);
    const publish = await pb.call('POST', '/v1/events', {
      Entries: [{ Source: 'shop', DetailType: 'Order Placed', Detail: '{}', Time: '1700000000' }],
    });
    expect(publish.body.errors).toEqual([{ pointer: '/Entries/0/Time', detail: form }]);
  });

  it('runs lifecycle hooks of a plugin for its own instances without a subscription', async () => {
    await create('lifecycled', 'audit-log');
    await waitFor(async () => (await seen('lifecycled')).lifecycle.length === 1);
    expect((await seen('lifecycled')).lifecycle[0]).toMatchObject({
      instance: 'lifecycled',
      plugin: 'audit-log',
    });
  });

  it('matches a published event against the subscriptions once, for its publish and its delivery', async () => {
    await create('matched-once', 'audit-log');
    await pb.call('POST', '/v1/subscriptions', {
      pattern: { source: ['match-once'] },
      instance: 'matched-once',
      handler: 'events',
    });
    const match = vi.spyOn(PatternIndex.prototype, 'match');
    try {
      await pb.call('POST', '/v1/events', {
        Entries: [{ Source: 'match-once', DetailType: 'Once', Detail: '{}' }],
      });
      await waitFor(async () => (await seen('matched-once')).events.length === 1);
      await pb.platform.events.router.idle();
      expect(
        match.mock.calls.filter(([event]) => (event as { source: string }).source === 'match-once'),
      ).toHaveLength(1);
    } finally {
      match.mockRestore();
    }
  });
});
