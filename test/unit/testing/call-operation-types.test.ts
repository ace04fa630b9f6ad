/**
 * Type-level tests of callOperation on a plugin made by definePlugin. Each `@ts-expect-error` must
 * meet an error, so `npx tsc --noEmit` fails if the types stop rejecting what they should; the runtime
 * assertions show the run-time checks still answer what the types let through or refuse.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
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
