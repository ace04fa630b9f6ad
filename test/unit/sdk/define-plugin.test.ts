/**
 * Type-level tests of definePlugin's inference. Each `@ts-expect-error` must meet an error, so
 * `npx tsc --noEmit` fails if the types stop rejecting what they should; the runtime assertions
 * check the plugins that do compile.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ConfigKey } from '../../../lib/sdk/contracts';
import { definePlugin, PLUGIN_MARK } from '../../../lib/sdk/define-plugin';

const noop = async () => [];

describe('definePlugin', () => {
  it('types the handlers of a declared type from its contract', () => {
    const plugin = definePlugin({
      manifest: { slug: 'typed', name: 'Typed', version: '1.0.0', apiVersion: 1, types: ['configuration'] },
      configuration: {
        listKeys: async (ctx, input) => {
          expectTypeOf(ctx.options).toEqualTypeOf<Record<string, unknown>>();
          expectTypeOf(input).toEqualTypeOf<Record<string, never>>();
          return [];
        },
        getValues: async (_ctx, { keys }) => {
          expectTypeOf(keys).toEqualTypeOf<string[] | undefined>();
          return (keys ?? []).map((key) => ({ key, value: null }));
        },
        setValue: async (_ctx, { key }): Promise<ConfigKey> => ({ key }),
        deleteKey: async () => ({}),
      },
    });
    expect(Reflect.get(plugin, PLUGIN_MARK)).toBe(true);
  });

  it('requires the handlers of a declared type', () => {
    definePlugin({
      manifest: {
        slug: 'incomplete',
        name: 'Incomplete',
        version: '1.0.0',
        apiVersion: 1,
        types: ['configuration'],
      },
      // @ts-expect-error deleteKey is required by the configuration contract
      configuration: { listKeys: noop, getValues: noop, setValue: async () => ({ key: 'k' }) },
    });
    // @ts-expect-error a declared type's handler group is required
    definePlugin({
      manifest: { slug: 'absent', name: 'Absent', version: '1.0.0', apiVersion: 1, types: ['logs'] },
    });
  });

  it('forbids handler groups of undeclared types', () => {
    definePlugin({
      manifest: { slug: 'undeclared', name: 'Undeclared', version: '1.0.0', apiVersion: 1 },
      // @ts-expect-error configuration is not among the manifest's types
      configuration: {
        listKeys: noop,
        getValues: noop,
        setValue: async () => ({ key: 'k' }),
        deleteKey: noop,
      },
    });
  });

  it('checks handler results against the contract', () => {
    definePlugin({
      manifest: {
        slug: 'wrong-output',
        name: 'Wrong output',
        version: '1.0.0',
        apiVersion: 1,
        types: ['logs'],
      },
      logs: {
        // @ts-expect-error search must answer { entries, nextCursor? }
        search: async () => ({ lines: [] }),
        schema: async () => ({ fields: [] }),
      },
    });
  });

  it('ties action handlers to declared actions', () => {
    const plugin = definePlugin({
      manifest: {
        slug: 'acts',
        name: 'Acts',
        version: '1.0.0',
        apiVersion: 1,
        actions: [
          { name: 'go', label: 'Go' },
          { name: 'stop', label: 'Stop' },
        ],
      },
      actions: { go: () => 'went', stop: () => 'stopped' },
    });
    expect(Object.keys(plugin.actions ?? {})).toEqual(['go', 'stop']);
    definePlugin({
      manifest: {
        slug: 'acts',
        name: 'Acts',
        version: '1.0.0',
        apiVersion: 1,
        actions: [{ name: 'go', label: 'Go' }],
      },
      // @ts-expect-error the declared action "go" needs a handler
      actions: {},
    });
    definePlugin({
      manifest: { slug: 'none', name: 'None', version: '1.0.0', apiVersion: 1 },
      // @ts-expect-error no actions are declared, so no action handlers
      actions: { go: () => 'went' },
    });
  });
});
