import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { EventBridgeBus } from '../../lib/aws/eventbridge-bus';
import { eventBusName } from '../../lib/aws/names';
import type { TimeRange } from '../../lib/core/ports';
import { LOCAL_STAGE } from '../../lib/local/platform';
import type { PlatformEvent } from '../../lib/sdk/events';
import type { TestPlatform } from '../e2e/harness';
import { standInConfig, startContractPlatform } from './aws-stand-ins';
import { eventBusContract } from './event-bus-contract';

/** The platform's event log as a client reads it: GET /v1/events/log, every page. */
async function eventLog(pb: TestPlatform, range: TimeRange): Promise<PlatformEvent[]> {
  const events: PlatformEvent[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ ...range, limit: '100', ...(cursor ? { cursor } : {}) });
    const res = await pb.call('GET', `/v1/events/log?${query}`);
    expect(res.status).toBe(200);
    events.push(...res.body.events);
    cursor = res.body.nextCursor;
  } while (cursor);
  return events;
}

eventBusContract('LocalEventBus', async () => {
  const pb = await startContractPlatform();
  return { bus: pb.platform.bus, logged: (range) => eventLog(pb, range), close: pb.close };
});

/** An EventBridgeBus on the platform's EventBridge stand-in, which puts what it takes on the local bus. */
async function eventBridgeOnStandIn() {
  const pb = await startContractPlatform();
  const client = new EventBridgeClient(standInConfig(pb.platform.url));
  // One attempt: a refused entry fails the test at once rather than after backing off.
  const bus = new EventBridgeBus({ client, busName: eventBusName(LOCAL_STAGE), maxAttempts: 1 });
  return {
    pb,
    bus,
    logged: (range: TimeRange) => eventLog(pb, range),
    close: async () => {
      client.destroy();
      await pb.close();
    },
  };
}

eventBusContract('EventBridgeBus over HTTP to the local EventBridge stand-in', eventBridgeOnStandIn);

/** A contract event at `time` under the id given, which one bus keeps and the other replaces. */
const contractEvent = (id: string, time: string): PlatformEvent => ({
  version: '0',
  id,
  'detail-type': 'Contract Checked',
  source: 'contract.test',
  account: '000000000000',
  time,
  region: 'local',
  resources: [],
  detail: {},
});

describe('EventBridgeBus beyond the contract', () => {
  it('answers the ids EventBridge gave the events, not their own', async () => {
    const { bus, logged, close } = await eventBridgeOnStandIn();
    try {
      const time = '2031-02-01T00:00:00.000Z';
      const [id] = await bus.publish([contractEvent('contract-own-id', time)]);
      expect(id).not.toBe('contract-own-id');
      expect((await logged({ from: time, to: '2031-02-01T00:00:01.000Z' })).map((e) => e.id)).toEqual([id]);
    } finally {
      await close();
    }
  });
});

describe('LocalEventBus beyond the contract', () => {
  it("answers each event's own id", async () => {
    const pb = await startContractPlatform();
    try {
      const time = '2031-02-01T00:00:00.000Z';
      const ids = await pb.platform.bus.publish([contractEvent('contract-kept-id', time)]);
      expect(ids).toEqual(['contract-kept-id']);
    } finally {
      await pb.close();
    }
  });
});
