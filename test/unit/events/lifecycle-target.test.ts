import { describe, expect, it, vi } from 'vitest';
import { lifecycleTarget } from '../../../lib/core/events/lifecycle-target';
import type { InvocationService } from '../../../lib/core/invocation/invocation-service';
import { platformEvent } from '../../../lib/core/platform-events';
import type { InstanceRecord, PluginRecord, Registry } from '../../../lib/core/ports';
import { ManifestSchema } from '../../../lib/sdk/manifest';

const origin = { account: '123456789012', region: 'eu-west-1' };
const plugin = (slug: string): PluginRecord => ({
  slug,
  manifest: ManifestSchema.parse({ slug, name: slug, version: '1.0.0', apiVersion: 1, types: ['lifecycle'] }),
  status: 'loaded',
  updatedAt: '2030-01-01T00:00:00.000Z',
});
const instance = (name: string, slug: string): InstanceRecord => ({
  name,
  plugin: slug,
  options: {},
  context: {},
  order: 0,
  credentialsSet: [],
  version: 1,
  createdAt: '2030-01-01T00:00:00.000Z',
  updatedAt: '2030-01-01T00:00:00.000Z',
});

function target(stored: InstanceRecord) {
  const registry = {
    getPlugin: async (slug: string) => plugin(slug),
    getInstance: async (name: string) => (name === stored.name ? stored : undefined),
  } as unknown as Registry;
  const run = vi.fn(async () => null);
  return { run, lifecycle: lifecycleTarget(registry, { run } as unknown as InvocationService) };
}

describe('the lifecycle target', () => {
  it("runs the hook of the event's plugin for the instance it names", async () => {
    const { run, lifecycle } = target(instance('x', 'alpha'));
    const event = platformEvent(origin, 'Instance Created', {
      instance: 'x',
      plugin: 'alpha',
      version: 1,
      options: {},
    });
    await lifecycle.deliver({ event, idempotencyKey: `${event.id}:lifecycle`, attempt: 1 });
    expect(run).toHaveBeenCalledOnce();
  });

  it('runs no hook when the name now belongs to an instance of another plugin (an event redriven late)', async () => {
    const { run, lifecycle } = target(instance('x', 'beta'));
    for (const detailType of ['Instance Created', 'Instance Updated'] as const) {
      const event = platformEvent(origin, detailType, {
        instance: 'x',
        plugin: 'alpha',
        version: 1,
        options: {},
      });
      await lifecycle.deliver({ event, idempotencyKey: `${event.id}:lifecycle`, attempt: 1 });
    }
    expect(run).not.toHaveBeenCalled();
  });

  it('runs no hook for an event of an earlier instance of the same name and plugin, told by its createdAt', async () => {
    const { run, lifecycle } = target({ ...instance('x', 'alpha'), createdAt: '2030-01-02T00:00:00.000Z' });
    const detail = { instance: 'x', plugin: 'alpha', version: 1, options: {} };
    const earlier = platformEvent(origin, 'Instance Created', {
      ...detail,
      createdAt: '2030-01-01T00:00:00.000Z',
    });
    await lifecycle.deliver({ event: earlier, idempotencyKey: `${earlier.id}:lifecycle`, attempt: 1 });
    expect(run).not.toHaveBeenCalled();
    const current = platformEvent(origin, 'Instance Created', {
      ...detail,
      createdAt: '2030-01-02T00:00:00.000Z',
    });
    await lifecycle.deliver({ event: current, idempotencyKey: `${current.id}:lifecycle`, attempt: 1 });
    expect(run).toHaveBeenCalledOnce();
  });
});
