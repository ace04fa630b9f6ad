import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDbRegistry } from '../../lib/aws/dynamodb-registry';
import { syncPluginManifests } from '../../lib/aws/registry-sync';
import { type Manifest, ManifestSchema } from '../../lib/sdk/manifest';
import { type DynaliteTable, startDynaliteTable } from '../fixtures/dynalite-table';

const manifest = (slug: string, version = '1.0.0'): Manifest =>
  ManifestSchema.parse({ slug, name: `Plugin ${slug}`, version, apiVersion: 1 });

describe('syncPluginManifests against dynalite', () => {
  let table: DynaliteTable;
  let registry: DynamoDbRegistry;

  beforeAll(async () => {
    table = await startDynaliteTable();
    registry = table.registry;
  });
  afterAll(() => table.close());

  const statuses = async () =>
    Object.fromEntries((await registry.listPlugins()).map((p) => [p.slug, [p.status, p.manifest.version]]));

  it('writes every manifest, then marks a plugin missing from the next deploy as removed', async () => {
    const first = await syncPluginManifests(registry, [manifest('alpha'), manifest('beta')], {
      now: new Date(1_000),
    });
    expect(first).toEqual({ written: ['alpha', 'beta'], removed: [], outdated: {} });
    expect(await statuses()).toEqual({ alpha: ['loaded', '1.0.0'], beta: ['loaded', '1.0.0'] });

    const second = await syncPluginManifests(registry, [manifest('alpha', '1.1.0')], {
      now: new Date(2_000),
    });
    expect(second).toEqual({ written: ['alpha'], removed: ['beta'], outdated: {} });
    expect(await statuses()).toEqual({ alpha: ['loaded', '1.1.0'], beta: ['removed', '1.0.0'] });
    const beta = await registry.getPlugin('beta');
    expect(beta?.updatedAt).toBe(new Date(2_000).toISOString());

    // Already removed plugins are left alone; a plugin that comes back is loaded again.
    const third = await syncPluginManifests(registry, [
      manifest('alpha', '1.1.0'),
      manifest('beta', '2.0.0'),
    ]);
    expect(third.removed).toEqual([]);
    expect(await statuses()).toEqual({ alpha: ['loaded', '1.1.0'], beta: ['loaded', '2.0.0'] });
  });

  it('marks every plugin removed when a deploy has none', async () => {
    expect((await syncPluginManifests(registry, [])).removed.sort()).toEqual(['alpha', 'beta']);
    expect(Object.values(await statuses()).every(([status]) => status === 'removed')).toBe(true);
  });

  it('names the instances whose options a deployed version no longer takes', async () => {
    const tuned = (version: string, type: string) =>
      ManifestSchema.parse({
        slug: 'tuned',
        name: 'Tuned',
        version,
        apiVersion: 1,
        options: [{ name: 'mode', label: 'Mode', type }],
      });
    const instance = (name: string, options: Record<string, unknown>) => ({
      name,
      plugin: 'tuned',
      options,
      context: {},
      order: 0,
      credentialsSet: [],
    });
    await syncPluginManifests(registry, [tuned('1.0.0', 'string')]);
    await registry.createInstance(instance('worded', { mode: 'fast' }));
    await registry.createInstance(instance('unset', {}));
    expect((await syncPluginManifests(registry, [tuned('1.0.0', 'string')])).outdated).toEqual({});
    expect((await syncPluginManifests(registry, [tuned('2.0.0', 'integer')])).outdated).toEqual({
      tuned: { count: 1, names: ['worded'] },
    });
    // Instances that cannot be read are said so, and the manifests are written all the same.
    const unreadable = Object.create(registry) as DynamoDbRegistry;
    unreadable.listInstances = () => Promise.reject(new Error('throttled'));
    expect(await syncPluginManifests(unreadable, [tuned('3.0.0', 'boolean')])).toMatchObject({
      written: ['tuned'],
      outdated: {},
      unchecked: 'throttled',
    });
    expect((await registry.getPlugin('tuned'))?.manifest.version).toBe('3.0.0');
  });
});
