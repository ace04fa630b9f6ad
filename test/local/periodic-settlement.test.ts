import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceService } from '../../lib/core/instances/instance-service';
import { UnavailableError } from '../../lib/sdk/errors';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';
import { waitFor } from '../e2e/wait-for';

let pb: TestPlatform;

beforeAll(async () => {
  pb = await startTestPlatform({ announcementSettlement: { everyMs: 100, afterMs: 200 } });
});
afterAll(() => pb?.close());

const createdEvents = async (instance: string) => {
  const log = await pb.call('GET', '/v1/events/log?limit=1000');
  return (log.body.events as { id: string; 'detail-type': string; detail: { instance: string } }[]).filter(
    (event) => event['detail-type'] === 'Instance Created' && event.detail.instance === instance,
  );
};

describe('the local platform while it runs', () => {
  it('publishes the event of a write that a failure of the bus left held, once, as AWS does, without a restart', async () => {
    // The platform's own service and registry, over a bus that is unavailable for this one write.
    const unavailable = new InstanceService({
      ...pb.platform.deps,
      bus: {
        publish: async () => {
          throw new UnavailableError('the bus is unavailable for a moment');
        },
      },
    });
    await expect(unavailable.create({ name: 'held', plugin: 'echo' })).rejects.toThrow('unavailable');
    expect((await pb.call('GET', '/v1/instances/held')).status).toBe(200);
    expect(await createdEvents('held')).toEqual([]);

    await waitFor(async () => (await createdEvents('held')).length > 0, 10_000, 'the held event');
    // Several more runs find nothing left to publish.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const published = await createdEvents('held');
    expect(published).toHaveLength(1);
    expect(published[0]!.detail).toMatchObject({ instance: 'held', plugin: 'echo', version: 1 });
  });
});
