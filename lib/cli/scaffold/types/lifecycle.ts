import type { TypeTemplate } from '../template';

export const lifecycle: TypeTemplate = {
  sdkImports: [],
  preamble: '',
  manifest: `types: ['lifecycle'],
    actions: [{ name: 'status', label: 'Show what the hooks saw' }],`,
  handlers: `lifecycle: {
    // The platform calls these when an instance of this plugin is created, updated or deleted.
    async onInstanceCreated(ctx) {
      await ctx.store.put('created', { at: new Date().toISOString() });
      ctx.log.info('instance created', { instance: ctx.instance });
    },
    onInstanceDeleted(ctx) {
      ctx.log.info('instance deleted', { instance: ctx.instance });
    },
  },
  actions: {
    async status(ctx) {
      return { created: (await ctx.store.get('created'))?.value ?? null };
    },
  },`,
  test: `  it('records its creation', async () => {
    const ctx = createTestContext({ manifest: plugin.manifest });
    await plugin.lifecycle.onInstanceCreated(ctx, {});
    expect(await callAction(plugin, ctx, 'status')).toMatchObject({ created: { at: expect.any(String) } });
  });`,
  invoke: { target: 'status', json: '{}' },
};
