import { callOperation, createTestContext, MemoryStore } from 'plugboard/testing';
import { describe, expect, it } from 'vitest';
import { checkPlugin } from '../../lib/core/loader';
import kvConfig from './index';

const project = (projectSlug: string, store = new MemoryStore()) =>
  createTestContext({ manifest: kvConfig.manifest, context: { orgSlug: 'acme', projectSlug }, store });

describe('kv-config', () => {
  it('passes the loader', () => {
    expect(checkPlugin(kvConfig)).toMatchObject({ ok: true });
  });

  it('sets, lists, gets and deletes values under the expanded prefix', async () => {
    const ctx = project('shop');
    const set = await callOperation(kvConfig, ctx, 'configuration.setValue', {
      key: 'db/port',
      value: 5432,
      dataType: 'number',
    });
    expect(set).toMatchObject({ key: 'db/port', dataType: 'number', secret: false });
    expect(Date.parse(set.lastModified!)).not.toBeNaN();
    await callOperation(kvConfig, ctx, 'configuration.setValue', { key: 'greeting', value: 'hello' });

    expect((await ctx.store.list()).items.map((i) => i.key)).toEqual([
      '/acme/shop/db/port',
      '/acme/shop/greeting',
    ]);
    const keys = await callOperation(kvConfig, ctx, 'configuration.listKeys');
    expect(keys.map((k) => [k.key, k.dataType])).toEqual([
      ['db/port', 'number'],
      ['greeting', 'string'],
    ]);
    expect(keys[0]).not.toHaveProperty('value');

    const values = await callOperation(kvConfig, ctx, 'configuration.getValues', {
      keys: ['greeting', 'absent'],
    });
    expect(values).toEqual([expect.objectContaining({ key: 'greeting', value: 'hello' })]);

    await expect(
      callOperation(kvConfig, ctx, 'configuration.deleteKey', { key: 'greeting' }),
    ).resolves.toEqual({
      key: 'greeting',
      deleted: true,
    });
    await expect(
      callOperation(kvConfig, ctx, 'configuration.deleteKey', { key: 'greeting' }),
    ).resolves.toEqual({
      key: 'greeting',
      deleted: false,
    });
    expect((await callOperation(kvConfig, ctx, 'configuration.getValues')).map((v) => v.key)).toEqual([
      'db/port',
    ]);
  });

  it('keeps projects apart in one instance store', async () => {
    const store = new MemoryStore();
    await callOperation(kvConfig, project('shop', store), 'configuration.setValue', {
      key: 'k',
      value: 'shop',
    });
    await callOperation(kvConfig, project('blog', store), 'configuration.setValue', {
      key: 'k',
      value: 'blog',
    });
    const blog = await callOperation(kvConfig, project('blog', store), 'configuration.getValues', {
      keys: ['k'],
    });
    expect(blog.map((v) => v.value)).toEqual(['blog']);
  });

  it('honours a custom prefix option', async () => {
    const ctx = createTestContext({
      manifest: kvConfig.manifest,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Plugboard template
      options: { prefix: 'env/${environment}/' },
      context: { environment: 'prod' },
    });
    await callOperation(kvConfig, ctx, 'configuration.setValue', { key: 'x', value: 'y' });
    expect((await ctx.store.list()).items.map((i) => i.key)).toEqual(['env/prod/x']);
  });

  it('marks values of the secret data type as secret so the platform redacts them', async () => {
    const ctx = project('shop');
    const set = await callOperation(kvConfig, ctx, 'configuration.setValue', {
      key: 'token',
      value: 's3cret',
      dataType: 'secret',
    });
    expect(set.secret).toBe(true);
    expect(kvConfig.manifest.dataTypes?.find((d) => d.name === 'secret')?.secret).toBe(true);
    const [token] = await callOperation(kvConfig, ctx, 'configuration.getValues', { keys: ['token'] });
    expect(token).toMatchObject({ key: 'token', dataType: 'secret', secret: true });
    expect(JSON.stringify(ctx.logs)).not.toContain('s3cret');
  });

  it('rejects unknown data types and values that do not fit theirs', async () => {
    const ctx = project('shop');
    await expect(
      callOperation(kvConfig, ctx, 'configuration.setValue', { key: 'k', value: 1, dataType: 'float' }),
    ).rejects.toMatchObject({ code: 'Validation' });
    await expect(
      callOperation(kvConfig, ctx, 'configuration.setValue', { key: 'k', value: 'x', dataType: 'number' }),
    ).rejects.toMatchObject({ code: 'Validation', errors: [{ pointer: '/input/value' }] });
    expect((await ctx.store.list()).items).toEqual([]);
  });

  it('lists more keys than one store page holds', async () => {
    const ctx = project('big');
    for (let i = 0; i < 1200; i++)
      await ctx.store.put(`/acme/big/k${String(i).padStart(4, '0')}`, { value: i, dataType: 'number' });
    expect(await callOperation(kvConfig, ctx, 'configuration.listKeys')).toHaveLength(1200);
  });
});
