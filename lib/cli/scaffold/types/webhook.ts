import type { TypeTemplate } from '../template';

export const webhook: TypeTemplate = {
  sdkImports: [],
  preamble: '',
  manifest: `types: ['webhook'],
    webhookActions: [
      {
        name: 'record',
        label: 'Record a delivery',
        configSchema: { type: 'object', properties: { note: { type: 'string' } } },
      },
    ],
    actions: [{ name: 'last', label: 'Show the last delivery' }],`,
  handlers: `webhook: {
    // Runs for each verified webhook delivery that a rule routes to this action.
    async record(ctx, call) {
      await ctx.store.put('last', {
        deliveryId: call.deliveryId,
        source: call.source,
        id: call.externalIdentifier,
      });
      return { recorded: call.deliveryId };
    },
  },
  actions: {
    async last(ctx) {
      return { last: (await ctx.store.get('last'))?.value ?? null };
    },
  },`,
  test: `  it('records a delivery', async () => {
    const ctx = createTestContext({ manifest: plugin.manifest });
    const call = { payload: {}, headers: {}, actionConfig: {}, deliveryId: 'd-1', source: 'github' };
    await plugin.webhook.record(ctx, call);
    expect(await callAction(plugin, ctx, 'last')).toMatchObject({ last: { deliveryId: 'd-1' } });
  });`,
  invoke: { target: 'last', json: '{}' },
};
