import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcherApp } from '../../lib/core/dispatcher/app';
import { createEventsPlatform } from '../../lib/core/events/events-platform';
import type { EventBus } from '../../lib/core/ports';
import { PlugboardError } from '../../lib/sdk/errors';
import type { PlatformEvent } from '../../lib/sdk/events';
import { startTestPlatform, type TestPlatform } from './harness';
import { type ServedApp, serveOnLoopback } from './second-dispatcher';
import { waitFor } from './wait-for';

/**
 * The platform's own app again, over its real registry and event store, with a bus that refuses
 * while `refusing` is set, as EventBridge does when it is unavailable past the SDK's retries.
 */
let pb: TestPlatform;
let served: ServedApp;
let refusing = true;
const published: PlatformEvent[] = [];

beforeAll(async () => {
  pb = await startTestPlatform();
  const bus: EventBus = {
    publish: async (events) => {
      if (refusing)
        throw new PlugboardError('Unavailable', 'EventBridge refused the events: ServiceUnavailable');
      published.push(...events);
      return pb.platform.bus.publish(events);
    },
  };
  const deps = { ...pb.platform.deps, bus };
  const events = createEventsPlatform(deps, {
    store: pb.platform.eventStore,
    guards: pb.platform.eventStore,
    // No webhook is received here.
    webhookSecrets: { resolve: async () => undefined },
    sleep: async () => undefined,
    retry: { attempts: 1 },
  });
  served = await serveOnLoopback(createDispatcherApp(deps, events.dispatcher));
});
afterAll(async () => {
  await served?.close();
  await pb?.close();
});

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(`${served.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${pb.platform.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const parked = async () =>
  (
    (await call('GET', '/v1/dlq')).body.deadLetters as { id: string; target: string; event: PlatformEvent }[]
  ).filter((letter) => letter.target === 'publish');

describe("the platform's own events when the bus refuses them", () => {
  it('leave an instance write answered as done, its events parked as dead letters to the bus', async () => {
    const created = await call('POST', '/v1/instances', { name: 'refused-bus', plugin: 'echo' });
    expect(created.status).toBe(201);
    // The write happened: a retry of it is a 409, which is why its answer must not be the bus's 503.
    expect((await call('GET', '/v1/instances/refused-bus')).status).toBe(200);
    const deleted = await call('DELETE', '/v1/instances/refused-bus');
    expect(deleted.status).toBe(204);
    const letters = await parked();
    expect(letters.map((letter) => letter.event['detail-type']).sort()).toEqual([
      'Instance Created',
      'Instance Deleted',
    ]);
    for (const letter of letters) {
      expect(letter.id).toBe(`${letter.event.id}:publish`);
      expect(letter.event.detail).toMatchObject({ instance: 'refused-bus', plugin: 'echo' });
    }
    expect(published).toEqual([]);
  });

  it('leave a call answered with its result, its Operation event parked (the action is not run twice)', async () => {
    expect((await call('POST', '/v1/instances', { name: 'refused-call', plugin: 'echo' })).status).toBe(201);
    const called = await call('POST', '/v1/instances/refused-call/actions/echo', {
      params: { message: 'once' },
    });
    expect(called.status).toBe(200);
    expect(called.body.result).toEqual({ message: 'once' });
    const letter = (await parked()).find((l) => l.event['detail-type'] === 'Operation Succeeded');
    expect(letter?.event.detail).toMatchObject({
      instance: 'refused-call',
      requestId: called.body.requestId,
    });
  });

  it('are published by a redrive once the bus takes them again, ids kept, letters gone', async () => {
    const letters = await parked();
    expect(letters.length).toBe(4);
    refusing = false;
    const redrive = await call('POST', '/v1/dlq/redrive', { ids: letters.map((letter) => letter.id) });
    expect(redrive).toEqual({ status: 202, body: { redriving: 4, notRedriven: [] } });
    await waitFor(async () => (await parked()).length === 0);
    expect(published.map((event) => event.id).sort()).toEqual(
      letters.map((letter) => letter.event.id).sort(),
    );
  });

  it('answer the bus error when the events cannot be parked either, so nothing is lost silently', async () => {
    refusing = true;
    const putDeadLetter = pb.platform.eventStore.putDeadLetter;
    pb.platform.eventStore.putDeadLetter = async () => {
      throw new Error('the registry is unavailable too');
    };
    try {
      const created = await call('POST', '/v1/instances', { name: 'refused-twice', plugin: 'echo' });
      expect(created.status).toBe(503);
      expect(created.body.detail).toContain('EventBridge refused');
    } finally {
      pb.platform.eventStore.putDeadLetter = putDeadLetter;
    }
  });

  it('leave a caller publishing its own events told of the refusal, nothing parked', async () => {
    const before = (await parked()).length;
    const put = await call('POST', '/v1/events', {
      Entries: [{ Source: 'acme.orders', DetailType: 'Order Placed', Detail: '{"id":1}' }],
    });
    expect(put.status).toBe(503);
    expect((await parked()).length).toBe(before);
  });
});
