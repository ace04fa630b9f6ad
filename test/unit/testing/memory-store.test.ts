import { describe, expect, it } from 'vitest';
import { createTestContext, MemoryStore } from '../../../lib/testing';

describe('MemoryStore', () => {
  it('puts, gets and deletes copies of values', async () => {
    const store = new MemoryStore();
    const value = { n: 1 };
    const put = await store.put('k', value);
    value.n = 2;
    expect(put).toMatchObject({ key: 'k', value: { n: 1 } });
    expect((await store.get('k'))?.value).toEqual({ n: 1 });
    await store.delete('k');
    await store.delete('k');
    expect(await store.get('k')).toBeUndefined();
  });

  it('lists by prefix in key order, page by page', async () => {
    const store = new MemoryStore();
    for (const key of ['b/2', 'a/1', 'b/1', 'b/3', 'c']) await store.put(key, key);
    const first = await store.list({ prefix: 'b/', limit: 2 });
    expect(first.items.map((i) => i.key)).toEqual(['b/1', 'b/2']);
    const second = await store.list({ prefix: 'b/', limit: 2, cursor: first.nextCursor });
    expect(second).toEqual({ items: [expect.objectContaining({ key: 'b/3' })] });
    // The registry's answer to a cursor it did not make (memory-store-registry.test.ts holds them equal).
    await expect(store.list({ cursor: '!!' })).rejects.toMatchObject({
      code: 'Validation',
      message: 'the cursor is not valid for this list',
    });
  });
});

describe('createTestContext', () => {
  const manifest = {
    slug: 'probe',
    name: 'Probe',
    version: '1.0.0',
    apiVersion: 1,
    options: [
      { name: 'size', label: 'Size', type: 'integer' as const, default: 3 },
      { name: 'name', label: 'Name', type: 'string' as const, required: true },
    ],
  };

  it('merges options over the manifest defaults and checks them', () => {
    expect(createTestContext({ manifest, options: { name: 'x' } }).options).toEqual({ name: 'x', size: 3 });
    expect(() => createTestContext({ manifest })).toThrow(expect.objectContaining({ code: 'Validation' }));
  });

  it('captures logs and publishes, expands templates and aborts on demand', async () => {
    const ctx = createTestContext({ context: { orgSlug: 'acme' } });
    ctx.log.warn('careful', { n: 1 });
    await ctx.publish('Thing Happened', { id: 1 });
    expect(ctx.logs).toEqual([{ level: 'warn', message: 'careful', fields: { n: 1 } }]);
    expect(ctx.published).toEqual([{ detailType: 'Thing Happened', detail: { id: 1 } }]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Plugboard template
    expect(ctx.expand('/${orgSlug}/${projectSlug}')).toBe('/acme/');
    expect(ctx.signal.aborted).toBe(false);
    ctx.abort();
    expect(ctx.signal.aborted).toBe(true);
  });

  it("keeps its store's items in the MemoryStore it is given, refusing as the runtime's store does", async () => {
    const memory = new MemoryStore();
    const ctx = createTestContext({ store: memory });
    await ctx.store.put('seeded', { n: 1 });
    expect((await memory.get('seeded'))?.value).toEqual({ n: 1 });
    await memory.put('direct', 2);
    expect((await ctx.store.list()).items.map((item) => item.key)).toEqual(['direct', 'seeded']);
    await expect(ctx.store.get('')).rejects.toMatchObject({
      code: 'PluginFailed',
      message: 'ctx.store.get was refused: the store key is not valid: must not be empty',
    });
    await expect(memory.get('')).rejects.toMatchObject({
      code: 'Validation',
      message: 'the store key is not valid',
    });
  });

  it("fails a publish the platform's bus refuses as the plugin's failure, as the runtime does", async () => {
    const ctx = createTestContext();
    await expect(ctx.publish('', {})).rejects.toMatchObject({
      code: 'PluginFailed',
      message: expect.stringMatching(/^ctx\.publish was refused: the event is not valid: \/detail-type /),
    });
    expect(ctx.published).toEqual([]);
  });
});
