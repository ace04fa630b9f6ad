import type { TypeTemplate } from '../template';

export const deployment: TypeTemplate = {
  sdkImports: ['type Deployment', 'NotFoundError'],
  preamble: '',
  manifest: `types: ['deployment'],`,
  handlers: `deployment: {
    async deploy(ctx, { ref, environment }) {
      // Start the real deployment here; this one succeeds at once and is kept in the instance's store.
      const record: Deployment = {
        deploymentId: \`d-\${Date.now().toString(36)}\`,
        status: 'succeeded',
        ref,
        environment,
        updatedAt: new Date().toISOString(),
      };
      await ctx.store.put(\`deployment/\${record.deploymentId}\`, record);
      ctx.log.info('deployed', { ref, environment });
      return record;
    },
    async getStatus(ctx, { deploymentId }) {
      const item = await ctx.store.get(\`deployment/\${deploymentId}\`);
      if (!item) throw new NotFoundError(\`no deployment \${deploymentId}\`);
      return item.value as Deployment;
    },
  },`,
  test: `  it('deploys and reports the status', async () => {
    const ctx = createTestContext({ manifest: plugin.manifest });
    const started = await callOperation(plugin, ctx, 'deployment.deploy', {
      ref: 'main',
      environment: 'test',
    });
    const status = await callOperation(plugin, ctx, 'deployment.getStatus', {
      deploymentId: started.deploymentId,
    });
    expect(status.status).toBe('succeeded');
  });`,
  invoke: { target: 'deployment.deploy', json: '{"ref":"main","environment":"test"}' },
};
