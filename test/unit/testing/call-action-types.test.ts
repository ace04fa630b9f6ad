/**
 * Type-level tests of callAction, and of an action handler called directly, on a plugin made by
 * definePlugin. Each `@ts-expect-error` must meet an error, so `npx tsc --noEmit` fails if the types
 * stop rejecting what they should; the runtime assertions show what the types let through or refuse.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { PluginContext } from '../../../lib/sdk/context';
import { definePlugin, type PluginDefinition } from '../../../lib/sdk/define-plugin';
import { callAction, createTestContext } from '../../../lib/testing';
import incrementer from '../../../plugins/incrementer/index';

const greeter = definePlugin({
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
          { name: 'token', label: 'Token', type: 'secret' },
        ],
      },
      { name: 'wave', label: 'Wave' },
    ],
  },
  actions: {
    greet: async (ctx, params) => {
      expectTypeOf(ctx).toEqualTypeOf<PluginContext<Record<never, never>, Record<never, never>>>();
      expectTypeOf(params).toEqualTypeOf<{
        who: string;
        loud: boolean;
        times?: number;
        tone?: 'warm' | 'dry';
      }>();
      return { greeting: `hello ${params.who}`, at: new Date(0), tone: params.tone };
    },
    wave: () => undefined,
  },
});

describe('callAction on a plugin that carries its types', () => {
  it('is still a PluginDefinition', () => {
    expectTypeOf(greeter).toExtend<PluginDefinition>();
    expectTypeOf(incrementer).toExtend<PluginDefinition>();
  });

  it('answers the handler result as the client gets it, through JSON', async () => {
    const ctx = createTestContext({ manifest: greeter.manifest });
    const greeted = await callAction(greeter, ctx, 'greet', { who: 'Ada', tone: 'dry' });
    expectTypeOf(greeted).toEqualTypeOf<{ greeting: string; at: string; tone?: 'warm' | 'dry' }>();
    expect(greeted).toEqual({ greeting: 'hello Ada', at: new Date(0).toISOString(), tone: 'dry' });
    const waved = await callAction(greeter, ctx, 'wave');
    expectTypeOf(waved).toEqualTypeOf<null>();
    expect(waved).toBeNull();
  });

  it('takes only its action names, and their params', async () => {
    const ctx = createTestContext({ manifest: greeter.manifest });
    // @ts-expect-error "gret" is not one of its actions
    await expect(callAction(greeter, ctx, 'gret', { who: 'Ada' })).rejects.toMatchObject({
      code: 'NotFound',
    });
    await expect(
      callAction(
        greeter,
        ctx,
        // @ts-expect-error "gret" is not one of its actions: the error is at the name, not a missing argument
        'gret',
      ),
    ).rejects.toMatchObject({ code: 'NotFound' });
    // @ts-expect-error who is required
    await expect(callAction(greeter, ctx, 'greet')).rejects.toMatchObject({ code: 'Validation' });
    // @ts-expect-error who is required
    await expect(callAction(greeter, ctx, 'greet', {})).rejects.toMatchObject({ code: 'Validation' });
    // @ts-expect-error "whom" is not a declared param
    await expect(callAction(greeter, ctx, 'greet', { who: 'Ada', whom: 'Bo' })).rejects.toMatchObject({
      code: 'Validation',
    });
    // @ts-expect-error a secret is never accepted from a caller
    await expect(callAction(greeter, ctx, 'greet', { who: 'Ada', token: 't' })).rejects.toMatchObject({
      code: 'Validation',
    });
    // @ts-expect-error tone is one of its choices
    await expect(callAction(greeter, ctx, 'greet', { who: 'Ada', tone: 'cold' })).rejects.toMatchObject({
      code: 'Validation',
    });
    // @ts-expect-error times is an integer
    await expect(callAction(greeter, ctx, 'greet', { who: 'Ada', times: '2' })).rejects.toMatchObject({
      code: 'Validation',
    });
    // @ts-expect-error wave takes no params
    await expect(callAction(greeter, ctx, 'wave', { who: 'Ada' })).rejects.toMatchObject({
      code: 'Validation',
    });
  });

  it('types an example plugin from its own definition', async () => {
    const ctx = createTestContext({ manifest: incrementer.manifest });
    const incremented = await callAction(incrementer, ctx, 'increment', { step: 2 });
    expectTypeOf(incremented).toEqualTypeOf<{ parameter: string; previous: number; value: number }>();
    expect(incremented).toEqual({ parameter: 'default', previous: 0, value: 2 });
    expectTypeOf(await callAction(incrementer, ctx, 'status')).toEqualTypeOf<{
      counters: Record<string, number>;
    }>();
    // @ts-expect-error "incrment" is not one of its actions
    await expect(callAction(incrementer, ctx, 'incrment', { step: 2 })).rejects.toMatchObject({
      code: 'NotFound',
    });
    // @ts-expect-error "stpe" is not a declared param
    await expect(callAction(incrementer, ctx, 'increment', { stpe: 2 })).rejects.toMatchObject({
      code: 'Validation',
    });
  });
});

describe('an action handler called directly', () => {
  it('takes its params as checkParams hands them over, and answers its own result', async () => {
    const ctx = createTestContext({ manifest: greeter.manifest });
    expectTypeOf(greeter.actions.greet).parameter(1).toEqualTypeOf<{
      who: string;
      loud: boolean;
      times?: number;
      tone?: 'warm' | 'dry';
    }>();
    const greeted = await greeter.actions.greet(ctx, { who: 'Ada', loud: true, tone: 'dry' });
    expectTypeOf(greeted).toEqualTypeOf<{ greeting: string; at: Date; tone: 'warm' | 'dry' | undefined }>();
    expect(greeted).toEqual({ greeting: 'hello Ada', at: new Date(0), tone: 'dry' });
    expectTypeOf(greeter.actions.wave(ctx, {})).toEqualTypeOf<undefined>();
    const incremented = await incrementer.actions.increment(createTestContext(), { step: 2, parameter: 'p' });
    expectTypeOf(incremented).toEqualTypeOf<{
      parameter: string;
      previous: number;
      value: number;
    }>();
    expect(incremented).toEqual({ parameter: 'p', previous: 0, value: 2 });
  });

  it('is a compile error where checkParams would refuse the call or fill in a default', async () => {
    const ctx = createTestContext({ manifest: incrementer.manifest });
    // Without step's default, which checkParams fills in and a direct call skips, the sum is NaN.
    // @ts-expect-error step is required
    await expect(incrementer.actions.increment(ctx, { parameter: 'p' })).rejects.toMatchObject({
      code: 'PluginFailed',
      message: expect.stringContaining('NaN is not a JSON number'),
    });
    // @ts-expect-error tone is one of its choices
    await greeter.actions.greet(ctx, { who: 'Ada', loud: false, tone: 'cold' });
    // @ts-expect-error "gret" is not one of its actions
    expect(greeter.actions.gret).toBeUndefined();
  });
});

describe('callAction on a plain PluginDefinition', () => {
  it('takes any name and params and answers unknown, as for a plugin loaded at run time', async () => {
    const loaded: PluginDefinition = incrementer;
    const ctx = createTestContext({ manifest: loaded.manifest });
    const incremented = await callAction(loaded, ctx, 'increment', { step: 2 });
    expectTypeOf(incremented).toBeUnknown();
    expect(incremented).toMatchObject({ value: 2 });
    await expect(callAction(loaded, ctx, 'incrment')).rejects.toMatchObject({ code: 'NotFound' });
    await expect(callAction(loaded, ctx, 'increment', { stpe: 2 })).rejects.toMatchObject({
      code: 'Validation',
    });
  });
});
