import { afterEach, describe, expect, it, vi } from 'vitest';
import { PatternIndex } from '../../../lib/core/events/pattern';
import { SubscriptionService } from '../../../lib/core/events/subscription-service';
import type { InstanceService } from '../../../lib/core/instances/instance-service';
import type { EventStore, SubscriptionRecord } from '../../../lib/core/ports';
import type { PlatformEvent } from '../../../lib/sdk/events';

function service(): SubscriptionService {
  const records = new Map<string, SubscriptionRecord>();
  const store = {
    putSubscription: async (record: SubscriptionRecord) => void records.set(record.id, record),
    getSubscription: async (id: string) => records.get(id),
    deleteSubscription: async (id: string) => records.delete(id),
    listSubscriptions: async () => ({ items: [...records.values()] }),
  } as unknown as EventStore;
  const instances = {
    get: async (name: string) => ({ name, plugin: 'p' }),
    loadedPlugin: async () => ({ manifest: { slug: 'p', types: [], actions: [] }, handlers: ['events'] }),
  } as unknown as InstanceService;
  return new SubscriptionService(store, instances);
}

const event = (id: string): PlatformEvent => ({
  version: '0',
  id,
  'detail-type': 'Order Placed',
  source: 'shop',
  account: '000000000000',
  time: '2030-01-01T00:00:00.000Z',
  region: 'local',
  resources: [],
  detail: {},
});
const pattern = { source: ['shop'] };

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the subscriptions' match of an event", () => {
  it('is made once for the publish and the delivery of one event', async () => {
    const subscriptions = service();
    const first = await subscriptions.create({ pattern, instance: 'a', handler: 'events' });
    const match = vi.spyOn(PatternIndex.prototype, 'match');
    const published = event('e1');
    expect(subscriptions.matchIfLoaded(published)).toEqual([first]);
    expect(await subscriptions.match(published)).toEqual([first]);
    expect(match).toHaveBeenCalledOnce();
  });

  it('is made again when a subscription came or went between the two', async () => {
    const subscriptions = service();
    const first = await subscriptions.create({ pattern, instance: 'a', handler: 'events' });
    const published = event('e2');
    expect(subscriptions.matchIfLoaded(published)).toEqual([first]);
    const second = await subscriptions.create({ pattern, instance: 'b', handler: 'events', order: 1 });
    expect(await subscriptions.match(published)).toEqual([first, second]);
    const again = event('e3');
    expect(subscriptions.matchIfLoaded(again)).toEqual([first, second]);
    await subscriptions.delete(first.id);
    expect(await subscriptions.match(again)).toEqual([second]);
  });
});
