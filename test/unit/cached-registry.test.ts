import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DynamoDbRegistry } from '../../lib/aws/dynamodb-registry';
import { CachedRegistry } from '../../lib/core/cached-registry';
import { platformEvent } from '../../lib/core/platform-events';
import { ManifestSchema } from '../../lib/sdk/manifest';
import { type DynaliteTable, startDynaliteTable } from '../fixtures/dynalite-table';

describe('CachedRegistry', () => {
  let table: DynaliteTable;
  let inner: DynamoDbRegistry;
  beforeAll(async () => {
    table = await startDynaliteTable();
    inner = table.registry;
  });
  afterAll(() => table.close());

  const newInstance = (name: string) => ({
    name,
    plugin: 'kv',
    options: {},
    context: {},
    order: 0,
    credentialsSet: [],
  });

  it('serves repeated and concurrent reads from one registry read', async () => {
    await inner.createInstance(newInstance('hot'));
    const reads = vi.spyOn(inner, 'getInstance');
    const cached = new CachedRegistry(inner, { ttlMs: 60_000 });
    const results = await Promise.all([cached.getInstance('hot'), cached.getInstance('hot')]);
    await cached.getInstance('hot');
    expect(reads).toHaveBeenCalledTimes(1);
    expect(results[0]).toEqual(results[1]);
    reads.mockRestore();
  });

  it('drops an entry on every write through it', async () => {
    const cached = new CachedRegistry(inner, { ttlMs: 60_000 });
    const made = await cached.createInstance(newInstance('written'));
    expect(await cached.getInstance('written')).toEqual(made);
    const updated = await cached.updateInstance('written', { order: 5 }, made);
    expect(await cached.getInstance('written')).toEqual(updated);
    await cached.deleteInstance('written');
    expect(await cached.getInstance('written')).toBeUndefined();

    const manifest = ManifestSchema.parse({
      slug: 'cached',
      name: 'Cached',
      version: '1.0.0',
      apiVersion: 1,
    });
    await cached.putPlugin({ slug: 'cached', manifest, status: 'loaded', updatedAt: 'a' });
    expect((await cached.getPlugin('cached'))?.status).toBe('loaded');
    await cached.putPlugin({ slug: 'cached', manifest, status: 'removed', updatedAt: 'b' });
    expect((await cached.getPlugin('cached'))?.status).toBe('removed');
  });

  it("reads an instance's announcements past the cache, as recovery must to tell whether a write landed", async () => {
    const cached = new CachedRegistry(inner, { ttlMs: 60_000 });
    const made = await cached.createInstance(newInstance('announced'));
    const seen = await cached.getInstance('announced');
    // Another process's write, which this cache has not seen.
    const event = platformEvent({ account: '1', region: 'r' }, 'Instance Updated', {});
    const announcing = { event, instance: 'announced', write: 'update', heldAt: event.time } as const;
    const updated = await inner.updateInstance('announced', { order: 2 }, made, { announcing });
    expect(await cached.getInstance('announced')).toEqual(seen);
    expect(await cached.getAnnouncing('announced')).toEqual({ record: updated, announcing: [event.id] });
  });

  it('serves a stale record for at most ttlMs when another process writes', async () => {
    // The clock is moved past the TTL rather than waited for, and the TTL is long enough that no
    // registry write on a loaded machine outlasts it.
    const realNow = Date.now.bind(Date);
    let ahead = 0;
    const clock = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + ahead);
    try {
      const made = await inner.createInstance(newInstance('elsewhere'));
      const cached = new CachedRegistry(inner, { ttlMs: 10_000 });
      expect((await cached.getInstance('elsewhere'))?.order).toBe(0);
      await inner.updateInstance('elsewhere', { order: 1 }, made);
      ahead = 5_000;
      expect((await cached.getInstance('elsewhere'))?.order).toBe(0);
      ahead = 10_001;
      expect((await cached.getInstance('elsewhere'))?.order).toBe(1);
    } finally {
      clock.mockRestore();
    }
  });

  it('does not keep misses, and hands out records no caller can change', async () => {
    const cached = new CachedRegistry(inner, { ttlMs: 60_000 });
    expect(await cached.getInstance('later')).toBeUndefined();
    await inner.createInstance(newInstance('later'));
    const first = await cached.getInstance('later');
    expect(first?.name).toBe('later');
    expect(() => {
      (first as { options: Record<string, unknown> }).options.mutated = true;
    }).toThrow(TypeError);
    expect((await cached.getInstance('later'))?.options).toEqual({});
  });

  it('keeps at most maxEntries records', async () => {
    const reads = vi.spyOn(inner, 'getInstance');
    const cached = new CachedRegistry(inner, { ttlMs: 60_000, maxEntries: 2 });
    for (const name of ['hot', 'later', 'elsewhere', 'hot']) await cached.getInstance(name);
    expect(reads).toHaveBeenCalledTimes(4);
    reads.mockRestore();
  });
});
