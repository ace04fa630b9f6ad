import {
  type ConfigKey,
  definePlugin,
  type PluginContext,
  type StoredItem,
  ValidationError,
} from 'plugboard/sdk';

/** The data types a value may have; values of `secret` are redacted by the platform on output. */
const DATA_TYPES = {
  string: (v: unknown) => typeof v === 'string',
  number: (v: unknown) => typeof v === 'number' && Number.isFinite(v),
  boolean: (v: unknown) => typeof v === 'boolean',
  json: (v: unknown) => v !== undefined,
  secret: (v: unknown) => typeof v === 'string',
} as const;
type DataType = keyof typeof DATA_TYPES;
const isDataType = (name: string): name is DataType => Object.hasOwn(DATA_TYPES, name);

interface StoredValue {
  value: unknown;
  dataType: DataType;
}

/** The context of a kv-config handler, as far as its helpers read it. */
type Context = PluginContext<{ prefix: string }>;

/** Every key of an instance lives under its expanded prefix, so instances for different projects do not mix. */
const prefixOf = (ctx: Context): string => ctx.expand(ctx.options.prefix);

const describe = (key: string, item: StoredItem): ConfigKey & { value: unknown } => {
  const { value, dataType } = item.value as StoredValue;
  return { key, value, dataType, secret: dataType === 'secret', lastModified: item.updatedAt };
};

async function listAll(ctx: Context): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.store.list({ prefix: prefixOf(ctx), limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return items;
}

export default definePlugin({
  manifest: {
    slug: 'kv-config',
    name: 'Key/value configuration',
    version: '1.0.0',
    description: "Configuration values kept in the platform's own storage, one key space per project.",
    apiVersion: 1,
    types: ['configuration'],
    options: [
      {
        name: 'prefix',
        label: 'Key prefix',
        description:
          'Template for the key space, expanded per call from the call context (orgSlug, projectSlug, teamSlug, environment, ...).',
        type: 'string',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Plugboard template, expanded per call by ctx.expand
        default: '/${orgSlug}/${projectSlug}/',
      },
    ],
    dataTypes: [
      { name: 'string', label: 'Text' },
      { name: 'number', label: 'Number' },
      { name: 'boolean', label: 'Boolean' },
      { name: 'json', label: 'JSON value' },
      { name: 'secret', label: 'Secret text', secret: true },
    ],
    docs: {
      overview: {
        summary: 'Keys and values per organisation and project.',
        detail:
          'Keys live under the expanded `prefix`. Values of the `secret` data type are redacted on output.',
        order: 1,
      },
    },
  },
  configuration: {
    async listKeys(ctx) {
      const prefix = prefixOf(ctx);
      return (await listAll(ctx)).map((item) => {
        const { value: _value, ...key } = describe(item.key.slice(prefix.length), item);
        return key;
      });
    },
    async getValues(ctx, { keys }) {
      const prefix = prefixOf(ctx);
      if (keys === undefined)
        return (await listAll(ctx)).map((item) => describe(item.key.slice(prefix.length), item));
      const found = await Promise.all(
        keys.map(async (key) => [key, await ctx.store.get(prefix + key)] as const),
      );
      return found.flatMap(([key, item]) => (item ? [describe(key, item)] : []));
    },
    async setValue(ctx, { key, value, dataType = 'string' }) {
      if (!isDataType(dataType)) {
        throw new ValidationError(
          `unknown data type "${dataType}"; known: ${Object.keys(DATA_TYPES).join(', ')}`,
          [{ pointer: '/input/dataType', detail: 'unknown data type' }],
        );
      }
      if (!DATA_TYPES[dataType](value)) {
        throw new ValidationError(`value does not fit data type ${dataType}`, [
          { pointer: '/input/value', detail: `must be a ${dataType}` },
        ]);
      }
      const stored: StoredValue = { value, dataType };
      const item = await ctx.store.put(prefixOf(ctx) + key, stored);
      ctx.log.info('value set', { key, dataType });
      return { key, dataType, secret: dataType === 'secret', lastModified: item.updatedAt };
    },
    async deleteKey(ctx, { key }) {
      const existed = (await ctx.store.get(prefixOf(ctx) + key)) !== undefined;
      await ctx.store.delete(prefixOf(ctx) + key);
      return { key, deleted: existed };
    },
  },
});
