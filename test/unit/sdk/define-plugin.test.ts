/**
 * Type-level tests of definePlugin's inference. Each `@ts-expect-error` must meet an error, so
 * `npx tsc --noEmit` fails if the types stop rejecting what they should; the runtime assertions
 * check the plugins that do compile.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { checkPlugin } from '../../../lib/core/loader';
import type { ConfigKey, WebhookCall } from '../../../lib/sdk/contracts';
import { definePlugin, PLUGIN_MARK } from '../../../lib/sdk/define-plugin';
import type { ManifestInput } from '../../../lib/sdk/manifest';
import { callAction, callOperation, createTestContext } from '../../../lib/testing';

const noop = async () => [];
const apart = {
  slug: 'apart',
  name: 'Apart',
  version: '1.0.0',
  apiVersion: 1,
  actions: [
    {
      name: 'pick',
      label: 'Pick',
      requiredParams: [{ name: 'size', label: 'Size', type: 'integer', choices: [1, 2] }],
      optionalParams: [{ name: 'note', label: 'Note', type: 'string', default: '' }],
    },
  ],
} as const;

describe('definePlugin', () => {
  it('types the handlers of a declared type from its contract', () => {
    const plugin = definePlugin({
      manifest: { slug: 'typed', name: 'Typed', version: '1.0.0', apiVersion: 1, types: ['configuration'] },
      configuration: {
        listKeys: async (ctx, input) => {
          expectTypeOf(ctx.options).toEqualTypeOf<Record<never, never>>();
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
    expect(Object.keys(plugin.actions)).toEqual(['go', 'stop']);
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

  it('requires exactly the declared action names', () => {
    definePlugin({
      manifest: {
        slug: 'acts',
        name: 'Acts',
        version: '1.0.0',
        apiVersion: 1,
        actions: [{ name: 'go', label: 'Go' }],
      },
      actions: {
        go: () => 'went',
        // @ts-expect-error "gone" is not a declared action
        gone: () => 'gone',
      },
    });
  });

  it('types action params from the manifest as checkParams hands them over', async () => {
    const plugin = definePlugin({
      manifest: {
        slug: 'greeter',
        name: 'Greeter',
        version: '1.0.0',
        apiVersion: 1,
        actions: [
          {
            name: 'greet',
            label: 'Greet',
            requiredParams: [{ name: 'who', label: 'Who', type: 'string' }],
            optionalParams: [
              { name: 'times', label: 'Times', type: 'integer' },
              { name: 'loud', label: 'Loud', type: 'boolean', default: false },
              { name: 'tone', label: 'Tone', type: 'string', choices: ['warm', 'dry'] },
              { name: 'tags', label: 'Tags', type: 'mapping' },
              { name: 'token', label: 'Token', type: 'secret' },
            ],
          },
          { name: 'wave', label: 'Wave' },
        ],
      },
      actions: {
        greet: (_ctx, params) => {
          expectTypeOf(params).toEqualTypeOf<{
            who: string;
            loud: boolean;
            times?: number;
            tone?: 'warm' | 'dry';
            tags?: Record<string, string>;
          }>();
          const who: string = params.who;
          // @ts-expect-error tone is one of its choices
          if (params.tone === 'cold') return who;
          // @ts-expect-error a secret param never reaches the handler (checkParams refuses it from a caller)
          void params.token;
          // @ts-expect-error only declared params
          void params.nothing;
          return params;
        },
        wave: (_ctx, params) => {
          // @ts-expect-error an action without params gets none
          void params.who;
          return 'waved';
        },
      },
    });
    // The keys the type says are present are those checkParams fills in.
    const ctx = createTestContext({ manifest: plugin.manifest });
    expect(await callAction(plugin, ctx, 'greet', { who: 'Ada' })).toEqual({ who: 'Ada', loud: false });
  });

  it('types action params from a manifest declared apart with as const', () => {
    definePlugin({
      manifest: apart,
      actions: {
        pick: (_ctx, params) => {
          expectTypeOf(params).toEqualTypeOf<{ size: 1 | 2; note: string }>();
          // @ts-expect-error only declared params
          return params.nothing;
        },
      },
    });
  });

  it('types a plugin that reuses the manifest of another', async () => {
    const first = definePlugin({ manifest: apart, actions: { pick: (_ctx, { size }) => size } });
    const second = definePlugin({
      manifest: first.manifest,
      actions: {
        pick: (_ctx, params) => {
          expectTypeOf(params).toEqualTypeOf<{ size: 1 | 2; note: string }>();
          return `size ${params.size}`;
        },
      },
    });
    expectTypeOf(second.manifest).toEqualTypeOf(apart);
    const ctx = createTestContext({ manifest: second.manifest });
    const picked = await callAction(second, ctx, 'pick', { size: 2 });
    expectTypeOf(picked).toEqualTypeOf<string>();
    expect(picked).toBe('size 2');
    definePlugin({
      manifest: first.manifest,
      // @ts-expect-error the declared action "pick" needs a handler
      actions: {},
    });
    definePlugin({
      manifest: first.manifest,
      actions: {
        pick: () => 'picked',
        // @ts-expect-error "drop" is not a declared action
        drop: () => 'dropped',
      },
    });
  });

  it('ties webhook handlers to the declared webhook actions, and types each for a direct call', async () => {
    const manifest = {
      slug: 'hooks',
      name: 'Hooks',
      version: '1.0.0',
      apiVersion: 1,
      types: ['webhook'],
      webhookActions: [{ name: 'record', label: 'Record' }],
    } as const;
    const plugin = definePlugin({
      manifest,
      webhook: {
        record: (_ctx, call) => {
          expectTypeOf(call).toEqualTypeOf<WebhookCall>();
          return call.deliveryId;
        },
      },
    });
    const call = { payload: {}, headers: {}, actionConfig: {}, deliveryId: 'd-1', source: 'gh' };
    expectTypeOf(plugin.webhook.record).parameter(1).toEqualTypeOf<WebhookCall>();
    expect(await plugin.webhook.record(createTestContext({ manifest }), call)).toBe('d-1');
    // @ts-expect-error "recrod" is not a declared webhook action
    expect(plugin.webhook.recrod).toBeUndefined();
    definePlugin({
      manifest,
      webhook: {
        record: () => 'recorded',
        // @ts-expect-error "recrod" is not a declared webhook action
        recrod: () => 'recorded',
      },
    });
    definePlugin({
      manifest: {
        slug: 'hooks',
        name: 'Hooks',
        version: '1.0.0',
        apiVersion: 1,
        types: ['webhook'],
        webhookActions: [{ name: 'record', label: 'Record' }],
      },
      // @ts-expect-error the declared webhook action "record" needs a handler
      webhook: {},
    });
  });

  it('types the handlers loosely where the manifest is not a literal, for the loader to check', async () => {
    // Annotated, so its type keeps neither its types nor its action names nor its params.
    const manifest: ManifestInput = {
      slug: 'loose',
      name: 'Loose',
      version: '1.0.0',
      apiVersion: 1,
      types: ['lifecycle'],
      actions: [
        { name: 'greet', label: 'Greet', requiredParams: [{ name: 'who', label: 'Who', type: 'string' }] },
      ],
    };
    const plugin = definePlugin({
      manifest,
      lifecycle: { onInstanceCreated: (ctx) => ctx.instance },
      actions: {
        greet: (_ctx, params) => {
          expectTypeOf(params).toEqualTypeOf<Record<string, unknown>>();
          return `hello ${String(params.who)}`;
        },
      },
    });
    expect(checkPlugin(plugin)).toMatchObject({ ok: true });
    const ctx = createTestContext({ manifest: plugin.manifest });
    const greeted = await callAction(plugin, ctx, 'greet', { who: 'Ada' });
    expectTypeOf(greeted).toEqualTypeOf<string>();
    expect(greeted).toBe('hello Ada');
    await expect(callAction(plugin, ctx, 'greeet')).rejects.toMatchObject({ code: 'NotFound' });
    const created = await callOperation(plugin, ctx, 'lifecycle.onInstanceCreated');
    expectTypeOf(created).toEqualTypeOf<string>();
    expect(created).toBe(ctx.instance);
    definePlugin({
      manifest,
      // @ts-expect-error a handler is still held to its operation's contract
      lifecycle: { onInstanceCreated: (_ctx, input: string) => input },
    });
  });
});
