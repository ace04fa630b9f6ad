/**
 * Type-level tests of `ctx.options` in the handlers of a plugin made by definePlugin: typed from the
 * manifest's options as the runtime hands them over. Each `@ts-expect-error` must meet an error, so
 * `npx tsc --noEmit` fails if the types stop rejecting what they should; the runtime assertions show
 * that the keys the types say are there are those a handler gets.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { PluginContext } from '../../../lib/sdk/context';
import { definePlugin } from '../../../lib/sdk/define-plugin';
import type { ManifestInput } from '../../../lib/sdk/manifest';
import { callAction, callOperation, createTestContext } from '../../../lib/testing';
import { WINDOW_OPTIONS } from '../../fixtures/window-options';

const manifest = {
  slug: 'windowed',
  name: 'Windowed',
  version: '1.0.0',
  apiVersion: 1,
  types: ['lifecycle', 'webhook'],
  options: WINDOW_OPTIONS,
  actions: [{ name: 'options', label: 'Its options' }],
  webhookActions: [{ name: 'record', label: 'Record' }],
} as const;

/**
 * A required option and one with a default are there; others may be absent; a secret option is a
 * credential (`ctx.credentials.apiKey`), never an option.
 */
type Options = { frozen: boolean; fromHour: number; tone?: 'warm' | 'dry'; tags?: Record<string, string> };

const windowed = definePlugin({
  manifest,
  lifecycle: {
    onInstanceCreated: (ctx) => {
      expectTypeOf(ctx.options).toEqualTypeOf<Options>();
    },
  },
  webhook: {
    record: (ctx) => {
      expectTypeOf(ctx.options).toEqualTypeOf<Options>();
    },
  },
  actions: {
    options: (ctx) => {
      expectTypeOf(ctx.options).toEqualTypeOf<Options>();
      const from: number = ctx.options.fromHour;
      const frozen: boolean = ctx.options.frozen;
      // @ts-expect-error tone is absent unless the instance sets it
      const tone: string = ctx.options.tone;
      // @ts-expect-error tone is one of its choices
      if (ctx.options.tone === 'cold') return { from, frozen, tone };
      // @ts-expect-error a secret option is a credential: ctx.credentials.apiKey
      void ctx.options.apiKey;
      // @ts-expect-error only declared options
      void ctx.options.toHour;
      return ctx.options;
    },
  },
  http: (ctx) => {
    expectTypeOf(ctx.options).toEqualTypeOf<Options>();
    return Response.json(ctx.options);
  },
  events: (ctx) => {
    expectTypeOf(ctx.options).toEqualTypeOf<Options>();
  },
  authorizer: (ctx, call) => {
    expectTypeOf(ctx.options).toEqualTypeOf<Options>();
    return { allow: !ctx.options.frozen || call.kind === 'operation' };
  },
  preHook: (ctx) => {
    expectTypeOf(ctx.options).toEqualTypeOf<Options>();
    return ctx.options.frozen ? { veto: 'frozen' } : undefined;
  },
});

describe('ctx.options of a plugin made by definePlugin', () => {
  it('has the keys the types say: defaults filled in, others as the instance sets them, no secret', async () => {
    const credentials = { apiKey: 'k-1' };
    const bare = createTestContext({ manifest, options: { fromHour: 9 }, credentials });
    expect(await callAction(windowed, bare, 'options')).toEqual({ frozen: false, fromHour: 9 });
    const full = createTestContext({
      manifest,
      options: { fromHour: 9, frozen: true, tone: 'dry', tags: { team: 'a' } },
      credentials,
    });
    expect(await callAction(windowed, full, 'options')).toEqual({
      frozen: true,
      fromHour: 9,
      tone: 'dry',
      tags: { team: 'a' },
    });
    // @ts-expect-error a secret option is a credential, which an instance is given apart
    expect(() => createTestContext({ manifest, options: { fromHour: 9, apiKey: 'k-1' } })).toThrow(
      'options are not valid',
    );
  });

  it('types the options of every contract type', async () => {
    const settings = definePlugin({
      manifest: {
        slug: 'settings',
        name: 'Settings',
        version: '1.0.0',
        apiVersion: 1,
        types: ['configuration'],
        options: [{ name: 'prefix', label: 'Prefix', type: 'string', default: '/' }],
      },
      configuration: {
        listKeys: (ctx) => {
          expectTypeOf(ctx.options).toEqualTypeOf<{ prefix: string }>();
          return [{ key: ctx.options.prefix }];
        },
        getValues: () => [],
        setValue: (_ctx, { key }) => ({ key }),
        deleteKey: () => undefined,
      },
    });
    const ctx = createTestContext({ manifest: settings.manifest });
    expect(await callOperation(settings, ctx, 'configuration.listKeys')).toMatchObject([{ key: '/' }]);
  });

  it('has no options where the manifest declares none', () => {
    definePlugin({
      manifest: { slug: 'plain', name: 'Plain', version: '1.0.0', apiVersion: 1 },
      preHook: (ctx) => {
        // @ts-expect-error the manifest declares no options
        void ctx.options.frozen;
      },
    });
  });

  it('lets a helper take the options it reads, typed', () => {
    const frozen = (ctx: PluginContext<{ frozen: boolean }>) => ctx.options.frozen;
    const guard = { slug: 'guard', name: 'Guard', version: '1.0.0', apiVersion: 1 } as const;
    definePlugin({
      manifest: { ...guard, options: [{ name: 'frozen', label: 'Frozen', type: 'boolean', default: false }] },
      preHook: (ctx) => (frozen(ctx) ? { veto: 'frozen' } : undefined),
    });
    definePlugin({
      manifest: { ...guard, options: [{ name: 'frozen', label: 'Frozen', type: 'string' }] },
      // @ts-expect-error frozen is an optional string here, not a boolean
      preHook: (ctx) => (frozen(ctx) ? { veto: 'frozen' } : undefined),
    });
  });

  it('types the options loosely where the manifest is not a literal, for the platform to check', () => {
    // Annotated, so its type keeps no option names.
    const loose: ManifestInput = {
      slug: 'loose',
      name: 'Loose',
      version: '1.0.0',
      apiVersion: 1,
      options: [{ name: 'fromHour', label: 'From hour', type: 'integer', required: true }],
    };
    definePlugin({
      manifest: loose,
      preHook: (ctx) => {
        expectTypeOf(ctx.options).toEqualTypeOf<Record<string, unknown>>();
      },
    });
  });
});
