import { definePlugin, type PluginContext } from 'plugboard/sdk';

/** Counters are stored one per key under this prefix in the instance's store. */
const COUNTER = 'counter/';

async function readCounter(ctx: PluginContext, parameter: string): Promise<number> {
  const item = await ctx.store.get(COUNTER + parameter);
  return typeof item?.value === 'number' ? item.value : 0;
}

/** Stores the new value and, when it differs from the old one, publishes `Counter Changed`. */
async function writeCounter(ctx: PluginContext, action: string, parameter: string, value: number) {
  const previous = await readCounter(ctx, parameter);
  await ctx.store.put(COUNTER + parameter, value);
  if (previous !== value) await ctx.publish('Counter Changed', { parameter, previous, value, action });
  return { parameter, previous, value };
}

export default definePlugin({
  manifest: {
    slug: 'incrementer',
    name: 'Incrementer',
    version: '1.0.0',
    description:
      'Named counters: the action catalogue example. Every change publishes a Counter Changed event.',
    apiVersion: 1,
    actions: [
      {
        name: 'increment',
        label: 'Increment a counter',
        optionalParams: [
          { name: 'step', label: 'Step', type: 'integer', default: 1 },
          { name: 'parameter', label: 'Counter name', type: 'string', default: 'default' },
        ],
      },
      {
        name: 'reset_count',
        label: 'Reset a counter to zero',
        requiredParams: [{ name: 'parameter', label: 'Counter name', type: 'string' }],
      },
      { name: 'status', label: 'Show every counter' },
    ],
    docs: {
      overview: { summary: 'Counters kept per instance.', order: 1 },
      events: {
        summary: 'Publishes "Counter Changed" with { parameter, previous, value, action } on every change.',
        order: 2,
      },
    },
  },
  actions: {
    async increment(ctx, params) {
      const value = (await readCounter(ctx, params.parameter)) + params.step;
      return writeCounter(ctx, 'increment', params.parameter, value);
    },
    reset_count: (ctx, params) => writeCounter(ctx, 'reset_count', params.parameter, 0),
    async status(ctx) {
      const counters: Record<string, number> = {};
      let cursor: string | undefined;
      do {
        const page = await ctx.store.list({ prefix: COUNTER, limit: 500, cursor });
        for (const item of page.items) counters[item.key.slice(COUNTER.length)] = item.value as number;
        cursor = page.nextCursor;
      } while (cursor !== undefined);
      return { counters };
    },
  },
});
