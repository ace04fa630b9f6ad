import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REGISTRY_SYNC_PROPERTIES } from '../../lib/infra/registry-sync-properties';
import { ManifestSchema } from '../../lib/sdk/manifest';
import { type DynaliteTable, functionSettings, startDynaliteTable } from '../fixtures/dynalite-table';

const manifest = (slug: string) =>
  ManifestSchema.parse({ slug, name: slug, version: '1.0.0', apiVersion: 1 });
const context = {
  functionName: 'registry-sync',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:registry-sync',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

const cfnEvent = (
  RequestType: 'Create' | 'Update' | 'Delete',
  slugs: string[],
): CloudFormationCustomResourceEvent =>
  ({
    RequestType,
    ServiceToken: 'token',
    ResponseURL: 'https://example.invalid',
    StackId: 'stack',
    RequestId: `cfn-${RequestType}`,
    LogicalResourceId: 'RegistrySync',
    ResourceType: 'Custom::PlugboardRegistrySync',
    PhysicalResourceId: 'plugboard-test-registry-sync',
    ResourceProperties: {
      ServiceToken: 'token',
      [REGISTRY_SYNC_PROPERTIES.manifests]: JSON.stringify(slugs.map(manifest)),
      [REGISTRY_SYNC_PROPERTIES.hash]: 'h',
    },
    OldResourceProperties: {},
  }) as unknown as CloudFormationCustomResourceEvent;

describe('functions/registry-sync.ts against dynalite', () => {
  let table: DynaliteTable;
  const saved = { ...process.env };

  beforeAll(async () => {
    table = await startDynaliteTable();
    Object.assign(process.env, functionSettings(table));
  });
  afterAll(async () => {
    process.env = saved;
    await table.close();
  });

  it('writes the manifests on create and update, marks the missing removed, leaves the registry on delete', async () => {
    const { handler } = await import('../../functions/registry-sync');
    const statuses = async () =>
      Object.fromEntries((await table.registry.listPlugins()).map((p) => [p.slug, p.status]));
    expect(await handler(cfnEvent('Create', ['alpha', 'beta']), context)).toEqual({
      PhysicalResourceId: 'plugboard-test-registry-sync',
    });
    expect(await statuses()).toEqual({ alpha: 'loaded', beta: 'loaded' });
    await handler(cfnEvent('Update', ['alpha']), context);
    expect(await statuses()).toEqual({ alpha: 'loaded', beta: 'removed' });
    await handler(cfnEvent('Delete', []), context);
    expect(await statuses()).toEqual({ alpha: 'loaded', beta: 'removed' });
  });

  it("records each plugin's optional handlers, and none for a stack that sends none", async () => {
    const { handler } = await import('../../functions/registry-sync');
    const event = cfnEvent('Update', ['alpha', 'beta']);
    event.ResourceProperties[REGISTRY_SYNC_PROPERTIES.handlers] = JSON.stringify({ alpha: ['events'] });
    await handler(event, context);
    expect((await table.registry.getPlugin('alpha'))?.handlers).toEqual(['events']);
    expect(await table.registry.getPlugin('beta')).not.toHaveProperty('handlers');
    const wrong = cfnEvent('Update', ['alpha']);
    wrong.ResourceProperties[REGISTRY_SYNC_PROPERTIES.handlers] = JSON.stringify({ alpha: ['teleport'] });
    await expect(handler(wrong, context)).rejects.toThrow();
  });

  it('rejects a manifest that does not validate', async () => {
    const { handler } = await import('../../functions/registry-sync');
    const bad = cfnEvent('Update', []);
    bad.ResourceProperties[REGISTRY_SYNC_PROPERTIES.manifests] = JSON.stringify([{ slug: 'Bad Slug' }]);
    await expect(handler(bad, context)).rejects.toThrow();
  });
});
