/**
 * Type-level tests of callOperation on a plugin made by definePlugin. Each `@ts-expect-error` must
 * meet an error, so `npx tsc --noEmit` fails if the types stop rejecting what they should; the runtime
 * assertions show the run-time checks still answer what the types let through or refuse.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { InputOf } from '../../../lib/sdk/contracts';
import { definePlugin, type PluginDefinition } from '../../../lib/sdk/define-plugin';
import { callOperation, createTestContext, type OperationOutput } from '../../../lib/testing';
import incrementer from '../../../plugins/incrementer/index';

const settings = definePlugin({
  manifest: { slug: 'settings', name: 'Settings', version: '1.0.0', apiVersion: 1, types: ['configuration'] },
  configuration: {
    listKeys: () => [{ key: 'greeting' }],
    getValues: (_ctx, { keys }) => (keys ?? ['greeting']).map((key) => ({ key, value: 'hello' })),
    setValue: (_ctx, { key, dataType }) => ({ key, dataType }),
    deleteKey: (_ctx, { key }) => ({ key, deleted: true }),
  },
});

/** A plugin of types whose contracts have optional operations, with a handler for one of them. */
const hooks = definePlugin({
  manifest: { slug: 'hooks', name: 'Hooks', version: '1.0.0', apiVersion: 1, types: ['lifecycle', 'logs'] },
  lifecycle: { onInstanceCreated: (ctx) => ({ instance: ctx.instance, at: new Date(0) }) },
  logs: {
    search: (_ctx, { limit }) => ({ entries: [], nextCursor: limit > 1 ? undefined : 'next' }),
    schema: () => ({ fields: [] }),
  },
});

/** A plugin each of whose operations needs an input. */
const deployer = definePlugin({
  manifest: { slug: 'deployer', name: 'Deployer', version: '1.0.0', apiVersion: 1, types: ['deployment'] },
  deployment: {
    deploy: (_ctx, { environment }) => ({ deploymentId: `d-${environment}`, status: 'pending' }),
    getStatus: (_ctx, { deploymentId }) => ({ deploymentId, status: 'succeeded' }),
  },
});

describe('callOperation on a plugin that carries its types', () => {
  it("answers its contract's output as the client gets it, defaults filled in", async () => {
    const ctx = createTestContext({ manifest: settings.manifest });
    const set = await callOperation(settings, ctx, 'configuration.setValue', { key: 'k', value: 1 });
    expectTypeOf(set).toEqualTypeOf<{
      key: string;
      dataType: string;
      secret: boolean;
      lastModified?: string | undefined;
    }>();
    expect(set).toEqual({ key: 'k', dataType: 'string', secret: false });
    const keys = await callOperation(settings, ctx, 'configuration.listKeys');
    expectTypeOf(keys).toEqualTypeOf<OperationOutput<'configuration.listKeys'>>();
    expect(keys).toEqual([{ key: 'greeting', dataType: 'string', secret: false }]);
  });

  it('takes only the operations of its declared types', async () => {
    const ctx = createTestContext({ manifest: settings.manifest });
    // @ts-expect-error identity is not among its types
    await expect(callOperation(settings, ctx, 'identity.getUser', { id: 'u' })).rejects.toMatchObject({
      code: 'NotFound',
    });
    // @ts-expect-error a plugin that declares no type has no operation
    await expect(callOperation(incrementer, ctx, 'configuration.listKeys')).rejects.toMatchObject({
      code: 'NotFound',
    });
  });

  it('takes an optional operation only where the plugin has a handler for it', async () => {
    const ctx = createTestContext({ manifest: hooks.manifest });
    await expect(callOperation(hooks, ctx, 'lifecycle.onInstanceCreated')).resolves.toBeDefined();
    // @ts-expect-error onInstanceDeleted is optional, and hooks has no handler for it
    await expect(callOperation(hooks, ctx, 'lifecycle.onInstanceDeleted')).rejects.toMatchObject({
      code: 'NotFound',
    });
    // @ts-expect-error histogram is optional, and hooks has no handler for it
    await expect(callOperation(hooks, ctx, 'logs.histogram')).rejects.toMatchObject({ code: 'NotFound' });
  });

  it("answers the handler's result as JSON gives it back where the contract says nothing of the output", async () => {
    const ctx = createTestContext({ manifest: hooks.manifest });
    const created = await callOperation(hooks, ctx, 'lifecycle.onInstanceCreated');
    expectTypeOf(created).toEqualTypeOf<{ instance: string; at: string }>();
    expect(created).toEqual({ instance: ctx.instance, at: new Date(0).toISOString() });
    const deleted = await callOperation(settings, ctx, 'configuration.deleteKey', { key: 'k' });
    expectTypeOf(deleted).toEqualTypeOf<{ key: string; deleted: boolean }>();
    expect(deleted).toEqual({ key: 'k', deleted: true });
  });

  it('points at a name it does not take, whatever the input', async () => {
    const ctx = createTestContext({ manifest: deployer.manifest });
    await expect(
      callOperation(
        deployer,
        ctx,
        // @ts-expect-error "deployment.deplyo" is not one of its operations
        'deployment.deplyo',
      ),
    ).rejects.toMatchObject({ code: 'NotFound' });
    await expect(
      callOperation(
        deployer,
        ctx,
        // @ts-expect-error identity is not among its types
        'identity.getUser',
        { id: 'u' },
      ),
    ).rejects.toMatchObject({ code: 'NotFound' });
    const started = await callOperation(deployer, ctx, 'deployment.deploy', {
      ref: 'main',
      environment: 'prod',
    });
    expect(started).toMatchObject({ deploymentId: 'd-prod', status: 'pending' });
  });

  it("takes each operation's input as its contract declares it", async () => {
    const ctx = createTestContext({ manifest: settings.manifest });
    // @ts-expect-error key is required
    await expect(callOperation(settings, ctx, 'configuration.setValue', { value: 1 })).rejects.toMatchObject({
      code: 'Validation',
      errors: [{ pointer: '/input/key' }],
    });
    // @ts-expect-error the input is required when part of it is
    await expect(callOperation(settings, ctx, 'configuration.deleteKey')).rejects.toMatchObject({
      code: 'Validation',
    });
    await expect(
      // @ts-expect-error keys is a list of strings
      callOperation(settings, ctx, 'configuration.getValues', { keys: 'k' }),
    ).rejects.toMatchObject({ code: 'Validation', errors: [{ pointer: '/input/keys' }] });
    await expect(
      // @ts-expect-error "keyz" is not in its input
      callOperation(settings, ctx, 'configuration.getValues', { keyz: ['k'] }),
    ).rejects.toMatchObject({ code: 'Validation' });
    await expect(
      // @ts-expect-error listKeys takes no input
      callOperation(settings, ctx, 'configuration.listKeys', { all: true }),
    ).rejects.toMatchObject({ code: 'Validation' });
  });
});

describe('an operation handler called directly', () => {
  it('takes its input as the runtime hands it over, and answers its own result', async () => {
    const ctx = createTestContext({ manifest: hooks.manifest });
    const created = await hooks.lifecycle.onInstanceCreated(ctx, {});
    expectTypeOf(created).toEqualTypeOf<{ instance: string; at: Date }>();
    expect(created).toEqual({ instance: ctx.instance, at: new Date(0) });
    expectTypeOf(hooks.logs.search).parameter(1).toEqualTypeOf<InputOf<'logs', 'search'>>();
    const found = await hooks.logs.search(ctx, { filters: [], limit: 1 });
    expectTypeOf(found).toEqualTypeOf<{ entries: never[]; nextCursor: string | undefined }>();
    expect(found).toEqual({ entries: [], nextCursor: 'next' });
    expectTypeOf(settings.configuration.deleteKey(ctx, { key: 'k' })).toEqualTypeOf<{
      key: string;
      deleted: boolean;
    }>();
  });

  it('is a compile error for a handler the plugin does not have', () => {
    // @ts-expect-error hooks has no handler for onInstanceDeleted
    expect(hooks.lifecycle.onInstanceDeleted).toBeUndefined();
    // @ts-expect-error hooks has no handler for histogram
    expect(hooks.logs.histogram).toBeUndefined();
    // @ts-expect-error configuration is not among its types
    expect(() => hooks.configuration.listKeys).toThrow(TypeError);
  });
});

describe('callOperation on a plain PluginDefinition', () => {
  it("takes any operation and input and answers its contract's output, as for a plugin loaded at run time", async () => {
    const loaded: PluginDefinition = settings;
    const ctx = createTestContext({ manifest: loaded.manifest });
    const values = await callOperation(loaded, ctx, 'configuration.getValues', { keys: ['k'] });
    expectTypeOf(values).toEqualTypeOf<OperationOutput<'configuration.getValues'>>();
    expect(values).toEqual([{ key: 'k', value: 'hello', dataType: 'string', secret: false }]);
    await expect(callOperation(loaded, ctx, 'identity.getUser', { id: 'u' })).rejects.toMatchObject({
      code: 'NotFound',
    });
    await expect(callOperation(loaded, ctx, 'configuration.setValue', { value: 1 })).rejects.toMatchObject({
      code: 'Validation',
    });
  });
});
