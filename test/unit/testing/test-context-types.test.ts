/**
 * Type-level tests of createTestContext given a plugin's manifest literal: the options and
 * credentials it takes are those the manifest declares, and the context it makes is typed as the
 * plugin's handlers take theirs, so a handler called directly refuses one that lacks what its type
 * says is there. Each `@ts-expect-error` must meet an error, so `npx tsc --noEmit` fails if the types
 * stop refusing what they should; the runtime assertions show what the types stand for.
 */
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { definePlugin, type ManifestLiteral } from '../../../lib/sdk/define-plugin';
import { callAction, createTestContext, type TestContext } from '../../../lib/testing';
import {
  type CheckedKeys as Checked,
  CREDENTIALS,
  OPTIONAL_CREDENTIALS,
  REQUIRED_CREDENTIALS,
  SECRET_OPTIONS,
  type UncheckedKeys as Unchecked,
} from '../../fixtures/instance-credentials';

const manifest = {
  slug: 'signer',
  name: 'Signer',
  version: '1.0.0',
  apiVersion: 1,
  types: ['lifecycle', 'webhook'],
  authType: 'api_token',
  credentials: CREDENTIALS,
  options: [
    { name: 'region', label: 'Region', type: 'string', choices: ['eu', 'us'], default: 'eu' },
    { name: 'fromHour', label: 'From hour', type: 'integer', required: true },
    ...SECRET_OPTIONS,
  ],
  actions: [{ name: 'sign', label: 'Sign' }],
  webhookActions: [{ name: 'record', label: 'Record' }],
} as const;

type Options = { region: 'eu' | 'us'; fromHour: number };

const signer = definePlugin({
  manifest,
  lifecycle: { onInstanceCreated: (ctx) => ({ set: Object.keys(ctx.credentials).sort() }) },
  webhook: { record: (ctx) => `${ctx.options.region}:${ctx.credentials.token.length}` },
  actions: {
    // Reads what its type says is there: without it, a TypeError rather than CredentialsMissing.
    sign: (ctx) => `${ctx.options.region}:${ctx.credentials.token.length}:${ctx.credentials.apiKey.length}`,
  },
  http: (ctx) => new Response(ctx.credentials.token),
  preHook: (ctx) => (ctx.options.fromHour > 23 ? { veto: 'too late' } : undefined),
});

const options = { fromHour: 9 };
const keys = { token: 'tok', apiKey: 'key-1' };
const created = { instance: 'i', plugin: 'signer', options: {} };
const call = { payload: {}, headers: {}, actionConfig: {}, deliveryId: 'd-1', source: 's' };
const guarded = { instance: 'i', plugin: 'signer', kind: 'action', name: 'sign', input: {} } as const;

describe('createTestContext given a manifest literal', () => {
  it('types its options and credentials as the handlers of a caller take theirs', async () => {
    const ctx = createTestContext({ manifest, options, credentials: keys });
    expectTypeOf(ctx.options).toEqualTypeOf<Options>();
    expectTypeOf(ctx.credentials).toEqualTypeOf<Checked>();
    expect(ctx.options).toEqual({ region: 'eu', fromHour: 9 });
    expect(signer.actions.sign(ctx, {})).toBe('eu:3:5');
    expect(await (await signer.http?.(ctx, new Request('http://x/')))?.text()).toBe('tok');
    // Every handler takes it: the platform's other calls too.
    expect(await signer.lifecycle.onInstanceCreated(ctx, created)).toEqual({ set: ['apiKey', 'token'] });
    expect(signer.webhook.record(ctx, call)).toBe('eu:3');
    expect(signer.preHook?.(ctx, guarded)).toBeUndefined();
  });

  it('is refused by a handler of a caller without a required credential, which the runtime refuses too', async () => {
    const bare = createTestContext({ manifest, options });
    const partial = createTestContext({ manifest, options, credentials: { token: 'tok' } });
    expectTypeOf(bare.credentials).toEqualTypeOf<Unchecked>();
    expectTypeOf(partial.credentials).toEqualTypeOf<Unchecked>();
    // @ts-expect-error the runtime answers an action without its token CredentialsMissing
    expect(() => signer.actions.sign(bare, {})).toThrow(TypeError);
    // @ts-expect-error nor without its required secret option
    expect(() => signer.actions.sign(partial, {})).toThrow(TypeError);
    // @ts-expect-error an http call, too
    expect(() => signer.http?.(partial, new Request('http://x/'))).not.toThrow();
    // Through the runtime, as the platform calls it: refused, naming what is missing.
    await expect(callAction(signer, partial, 'sign')).rejects.toMatchObject({
      code: 'CredentialsMissing',
      message: expect.stringContaining('apiKey'),
    });
    // @ts-expect-error nor a webhook action, which a rule runs only for an instance with them
    expect(() => signer.webhook.record(bare, call)).toThrow(TypeError);
    // The platform's other calls run without them.
    expect(await signer.lifecycle.onInstanceCreated(bare, created)).toEqual({ set: [] });
    expect(signer.preHook?.(bare, guarded)).toBeUndefined();
  });

  it('takes the options an instance may be given, and no other, as the platform checks them', () => {
    // @ts-expect-error fromHour is required
    expect(() => createTestContext({ manifest })).toThrow('options are not valid');
    // @ts-expect-error region is one of its choices
    expect(() => createTestContext({ manifest, options: { fromHour: 9, region: 'ap' } })).toThrow(
      'options are not valid',
    );
    // @ts-expect-error fromHour is an integer
    expect(() => createTestContext({ manifest, options: { fromHour: '9' } })).toThrow(
      'options are not valid',
    );
    // @ts-expect-error a secret option is a credential
    expect(() => createTestContext({ manifest, options: { fromHour: 9, apiKey: 'k' } })).toThrow(
      'options are not valid',
    );
    // @ts-expect-error only declared options
    expect(() => createTestContext({ manifest, options: { fromHour: 9, toHour: 17 } })).toThrow(
      'options are not valid',
    );
  });

  it('takes the credentials the manifest declares, its secret options among them, and no other', () => {
    const ctx = createTestContext({ manifest, options, credentials: { ...keys, signingSecret: 's' } });
    expectTypeOf(ctx.credentials).toEqualTypeOf<Checked>();
    // Refused at run time too, naming each, as PUT .../credentials refuses them.
    // @ts-expect-error only declared credentials
    expect(() => createTestContext({ manifest, options, credentials: { ...keys, tokn: 'x' } })).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ pointer: '/credentials/tokn' })] }),
    );
    // @ts-expect-error a credential is a string
    expect(() => createTestContext({ manifest, options, credentials: { ...keys, refreshToken: 1 } })).toThrow(
      'credentials are not valid',
    );
  });

  it('holds the options and credentials it is given, over the defaults, whichever are given', () => {
    fc.assert(
      fc.property(
        fc.subarray([...REQUIRED_CREDENTIALS, ...OPTIONAL_CREDENTIALS]),
        fc.option(fc.constantFrom('eu' as const, 'us' as const), { nil: undefined }),
        fc.integer({ min: 0, max: 23 }),
        (names, region, fromHour) => {
          const credentials = Object.fromEntries(names.map((name) => [name, `${name}-v`]));
          const given = region === undefined ? { fromHour } : { fromHour, region };
          const ctx = createTestContext({ manifest, options: given, credentials });
          // Given as a Record, its names unknown to the type: each maybe, as in the platform's own calls.
          expectTypeOf(ctx.credentials).toEqualTypeOf<Unchecked>();
          expect(ctx.credentials).toEqual(credentials);
          expect(Object.isFrozen(ctx.credentials)).toBe(true);
          expect(ctx.options).toEqual({ region: region ?? 'eu', fromHour });
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('createTestContext without a manifest literal', () => {
  it('makes a loose context, which a handler needing an option refuses', () => {
    const ctx = createTestContext({ options, credentials: keys });
    expectTypeOf(ctx).toEqualTypeOf<TestContext>();
    // @ts-expect-error without the manifest nothing says the options are there, nor fills in region
    expect(signer.actions.sign(ctx, {})).toBe('undefined:3:5');
    const plain = definePlugin({
      manifest: {
        slug: 'plain',
        name: 'Plain',
        version: '1.0.0',
        apiVersion: 1,
        actions: [{ name: 'a', label: 'A' }],
      },
      actions: { a: (c) => c.instance },
    });
    expect(plain.actions.a(createTestContext(), {})).toBe('test-instance');
  });

  it('types the context loosely where the manifest is not a literal, for the run time to check', () => {
    // Annotated, so its type keeps no names.
    const loose: ManifestLiteral = manifest;
    const ctx = createTestContext({ manifest: loose, options, credentials: keys });
    expectTypeOf(ctx).toEqualTypeOf<TestContext>();
    expect(() => createTestContext({ manifest: loose, options, credentials: { any: 'x' } })).toThrow(
      'credentials are not valid',
    );
  });
});
