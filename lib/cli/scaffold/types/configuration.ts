import type { TypeTemplate } from '../template';

export const configuration: TypeTemplate = {
  sdkImports: ['type PluginContext', 'type StoredItem'],
  preamble: `/** Each value is kept in the instance's own store with its data type. */
interface Stored {
  value: unknown;
  dataType: string;
}

const describe = (item: StoredItem) => {
  const { value, dataType } = item.value as Stored;
  return { key: item.key, value, dataType, lastModified: item.updatedAt };
};

async function allItems(ctx: PluginContext): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.store.list({ limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return items;
}
`,
  manifest: `types: ['configuration'],
    dataTypes: [
      { name: 'string', label: 'Text' },
      // Values of a secret data type are redacted by the platform whenever they are read.
      { name: 'secret', label: 'Secret text', secret: true },
    ],`,
  handlers: `configuration: {
    async listKeys(ctx) {
      return (await allItems(ctx)).map((item) => {
        const { value: _value, ...key } = describe(item);
        return key;
      });
    },
    async getValues(ctx, { keys }) {
      if (keys === undefined) return (await allItems(ctx)).map(describe);
      const found = await Promise.all(keys.map((key) => ctx.store.get(key)));
      // Keys that are not set are left out, as the configuration contract says.
      return found.flatMap((item) => (item ? [describe(item)] : []));
    },
    async setValue(ctx, { key, value, dataType = 'string' }) {
      const item = await ctx.store.put(key, { value, dataType } satisfies Stored);
      ctx.log.info('value set', { key, dataType });
      return { key, dataType, lastModified: item.updatedAt };
    },
    async deleteKey(ctx, { key }) {
      await ctx.store.delete(key);
      return { key };
    },
  },`,
  test: `  it('sets and reads back a value', async () => {
    const ctx = createTestContext({ manifest: plugin.manifest });
    await callOperation(plugin, ctx, 'configuration.setValue', { key: 'greeting', value: 'hello' });
    const values = await callOperation(plugin, ctx, 'configuration.getValues', {
      keys: ['greeting', 'nope'],
    });
    expect(values).toEqual([expect.objectContaining({ key: 'greeting', value: 'hello' })]);
  });`,
  invoke: { target: 'configuration.setValue', json: '{"key":"greeting","value":"hello"}' },
};
