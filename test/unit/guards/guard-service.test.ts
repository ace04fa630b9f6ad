import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDbEventStore } from '../../../lib/aws/dynamodb-event-store';
import { GuardService } from '../../../lib/core/guards/guard-service';
import type { InstanceService } from '../../../lib/core/instances/instance-service';
import type { GuardRecord } from '../../../lib/core/ports';
import {
  createDynamoClient,
  LOCAL_REGISTRY_TABLE,
  type LocalDynamo,
  startDynalite,
} from '../../../lib/local/dynalite';

const guard = (instance: string, plugins: string[]): GuardRecord => ({
  id: `preHook:${instance}`,
  role: 'preHook',
  instance,
  plugins,
  order: 1,
  createdAt: '2026-01-01T00:00:00Z',
});

describe('GuardService.noneFor', () => {
  let dynamo: LocalDynamo;
  let client: ReturnType<typeof createDynamoClient>;
  let store: DynamoDbEventStore;
  beforeAll(async () => {
    dynamo = await startDynalite({});
    client = createDynamoClient(dynamo.endpoint);
    store = new DynamoDbEventStore({ client, tableName: LOCAL_REGISTRY_TABLE });
  });
  afterAll(async () => {
    client.destroy();
    await dynamo.close();
  });
  afterEach(() => vi.useRealTimers());

  it('says a plugin has no guard only from a list read and not yet due again, as another process attaches one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    // Attaching goes through the store alone here: the instances are never asked.
    const guards = new GuardService(store, undefined as unknown as InstanceService);
    expect(guards.noneFor('echo')).toBe(false);
    expect(await guards.list()).toEqual([]);
    expect(guards.noneFor('echo')).toBe(true);

    // Another dispatcher attaches guards: this one sees them once its copy is due to be read again.
    await store.putGuard(guard('only-other', ['other']));
    await store.putGuard(guard('everyone', []));
    expect(guards.noneFor('echo')).toBe(true);
    vi.setSystemTime(Date.now() + 5_001);
    expect(guards.noneFor('echo')).toBe(false);
    expect((await guards.list()).map((g) => g.instance)).toEqual(['everyone', 'only-other']);
    expect(guards.noneFor('echo')).toBe(false);

    await store.deleteGuard('preHook:everyone');
    vi.setSystemTime(Date.now() + 5_001);
    await guards.list();
    expect(guards.noneFor('echo')).toBe(true);
    expect(guards.noneFor('other')).toBe(false);
    await store.deleteGuard('preHook:only-other');
  });
});
