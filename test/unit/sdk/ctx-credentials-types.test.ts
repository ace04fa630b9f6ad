/**
 * Type-level tests of `ctx.credentials` in the handlers of a plugin made by definePlugin: typed from
 * the manifest's credentials and secret options as the runtime hands them over. Each
 * `@ts-expect-error` must meet an error, so `npx tsc --noEmit` fails if the types stop rejecting what
 * they should; the runtime assertions show that the keys the types say are there are those a handler
 * gets.
 */
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { PluginContext } from '../../../lib/sdk/context';
import { definePlugin } from '../../../lib/sdk/define-plugin';
import type { ManifestInput } from '../../../lib/sdk/manifest';
import { callAction, callOperation, createTestContext } from '../../../lib/testing';
import {
  type CheckedKeys as Checked,
  CREDENTIALS,
  OPTIONAL_CREDENTIALS,
  REQUIRED_CREDENTIALS,
  SECRET_OPTIONS,
  type UncheckedKeys as Unchecked,
} from '../../fixtures/instance-credentials';

const manifest = {
  slug: 'keyed',
  name: 'Keyed',
  version: '1.0.0',
  apiVersion: 1,
  types: ['identity', 'lifecycle', 'webhook'],
  authType: 'api_token',
  credentials: CREDENTIALS,
  options: [{ name: 'region', label: 'Region', type: 'string', default: 'eu' }, ...SECRET_OPTIONS],
  actions: [{ name: 'keys', label: 'The names of its credentials' }],
  webhookActions: [{ name: 'record', label: 'Record' }],
} as const;

const keyed = definePlugin({
  manifest,
  identity: {
    getUser: (ctx, { id }) => {
      expectTypeOf(ctx.credentials).toEqualTypeOf<Checked>();
      const token: string = ctx.credentials.token;
      // The names: the runtime redacts the values from the answer.
      return { id, username: token && Object.keys(ctx.credentials).sort().join() };
    },
    listUsers: (ctx) => {
      expectTypeOf(ctx.credentials).toEqualTypeOf<Checked>();
      return { users: [] };
    },
  },
  lifecycle: {
    onInstanceCreated: (ctx) => {
      expectTypeOf(ctx.credentials).toEqualTypeOf<Unchecked>();
      // @ts-expect-error a lifecycle hook runs before the instance's credentials are set
      const token: string = ctx.credentials.token;
      return token;
    },
  },
  webhook: {
    record: (ctx) => {
      // A rule runs it only for an instance with them, and the runtime refuses it without them.
      expectTypeOf(ctx.credentials).toEqualTypeOf<Checked>();
      const apiKey: string = ctx.credentials.apiKey;
      return apiKey;
    },
  },
  actions: {
    keys: (ctx) => {
      expectTypeOf(ctx.credentials).toEqualTypeOf<Checked>();
      // A required credential and a required secret option are strings, not maybe undefined.
      const token: string = ctx.credentials.token;
      const apiKey: string = ctx.credentials.apiKey;
      // @ts-expect-error refreshToken is absent unless the instance sets it
      const refresh: string = ctx.credentials.refreshToken;
      // @ts-expect-error signingSecret is an optional secret option: absent unless set
      const signing: string = ctx.credentials.signingSecret;
      // @ts-expect-error only declared credentials and secret options
      void ctx.credentials.tokn;
      // @ts-expect-error an option that is not a secret is no credential
      void ctx.credentials.region;
      // Never called: the runtime's object is frozen, and the write would throw.
      const write = () => {
        // @ts-expect-error readonly, as the runtime's object is frozen
        ctx.credentials.token = 'other';
      };
      void write;
      void [token, apiKey, refresh, signing];
      return Object.keys(ctx.credentials).sort();
    },
  },
  http: (ctx) => {
    expectTypeOf(ctx.credentials).toEqualTypeOf<Checked>();
    return new Response(ctx.credentials.token.length > 0 ? 'ok' : 'empty');
  },
  events: (ctx) => {
    expectTypeOf(ctx.credentials).toEqualTypeOf<Unchecked>();
  },
  authorizer: (ctx) => {
    expectTypeOf(ctx.credentials).toEqualTypeOf<Unchecked>();
    return { allow: ctx.credentials.token !== undefined };
  },
  preHook: (ctx) => {
    expectTypeOf(ctx.credentials).toEqualTypeOf<Unchecked>();
  },
});

/** Values for the named credentials; the test kit gives them to the call as the platform does. */
const valuesOf = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, `${name}-v`]));

describe('ctx.credentials of a plugin made by definePlugin', () => {
  it('holds the required ones and the optional ones set, in a call the runtime checks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray([...OPTIONAL_CREDENTIALS]), async (optional) => {
        const set = [...REQUIRED_CREDENTIALS, ...optional];
        const ctx = createTestContext({ manifest, credentials: valuesOf(set) });
        expect(await callAction(keyed, ctx, 'keys')).toEqual([...set].sort());
        expect(await callOperation(keyed, ctx, 'identity.getUser', { id: 'u' })).toMatchObject({
          username: [...set].sort().join(),
        });
      }),
      { numRuns: 8 },
    );
  });

  it('is refused a call without a required one, which the type says is there', async () => {
    for (const missing of REQUIRED_CREDENTIALS) {
      const set = REQUIRED_CREDENTIALS.filter((name) => name !== missing);
      const ctx = createTestContext({ manifest, credentials: valuesOf(set) });
      await expect(callAction(keyed, ctx, 'keys')).rejects.toMatchObject({
        code: 'CredentialsMissing',
        message: expect.stringContaining(missing),
      });
    }
  });

  it('has no credentials where the manifest declares none', () => {
    definePlugin({
      manifest: { slug: 'plain', name: 'Plain', version: '1.0.0', apiVersion: 1 },
      preHook: (ctx) => {
        // @ts-expect-error the manifest declares no credentials
        void ctx.credentials.token;
      },
    });
  });

  it('lets a helper take the credentials it reads, typed, where the runtime guarantees them', () => {
    const bearer = (ctx: PluginContext<Record<string, unknown>, { token: string }>) =>
      `Bearer ${ctx.credentials.token}`;
    definePlugin({
      manifest,
      identity: {
        getUser: (ctx, { id }) => ({ id, username: bearer(ctx) }),
        listUsers: () => ({ users: [] }),
      },
      lifecycle: {
        // @ts-expect-error a lifecycle hook may run without the token
        onInstanceCreated: (ctx) => bearer(ctx),
      },
      webhook: { record: () => undefined },
      actions: { keys: (ctx) => bearer(ctx) },
    });
  });

  it('types the credentials loosely where the manifest is not a literal, for the runtime to check', () => {
    // Annotated, so its type keeps no credential names.
    const loose: ManifestInput = {
      slug: 'loose',
      name: 'Loose',
      version: '1.0.0',
      apiVersion: 1,
      authType: 'api_token',
      credentials: [{ name: 'token', label: 'Token' }],
    };
    definePlugin({
      manifest: loose,
      preHook: (ctx) => {
        expectTypeOf(ctx.credentials).toEqualTypeOf<Readonly<Record<string, string>>>();
      },
      actions: {
        any: (ctx) => {
          expectTypeOf(ctx.credentials).toEqualTypeOf<Readonly<Record<string, string>>>();
        },
      },
    });
  });
});
