import fc from 'fast-check';
import { definePlugin } from 'plugboard/sdk';
import { describe, expect, it } from 'vitest';
import { REDACTED } from '../../../lib/core/runtime/redact';
import { callAction, callOperation, createTestContext, type TestContext } from '../../../lib/testing';
import { throwerPlugin } from '../../fixtures/thrower';
import { INSTANCE, PUBLISH_CASES, publisherPlugin, publishing } from '../runtime/publish-cases';
import {
  STORE_CASES,
  INSTANCE as STORER_INSTANCE,
  type StoreCase,
  storerPlugin,
  storing,
  TOO_LONG_KEY_CASES,
} from '../runtime/store-cases';

const SECRET = 'CANARYSECRET';

const probe = definePlugin({
  manifest: {
    slug: 'probe',
    name: 'Probe',
    version: '1.0.0',
    apiVersion: 1,
    types: ['identity'],
    authType: 'api_token',
    credentials: [{ name: 'apiKey', label: 'API key' }],
    actions: [
      { name: 'leak', label: 'Leak' },
      { name: 'store', label: 'Store a Date' },
      { name: 'publish', label: 'Publish a BigInt' },
      { name: 'crash', label: 'Crash' },
      { name: 'when', label: 'Answer a Date' },
      { name: 'big', label: 'Answer a BigInt' },
      { name: 'nothing', label: 'Answer undefined' },
      { name: 'tags', label: 'Answer a Set deep inside' },
      { name: 'publish_tags', label: 'Publish a Map' },
      { name: 'cycle', label: 'Answer an object holding itself' },
    ],
  },
  actions: {
    leak: async (ctx) => {
      ctx.log.info(`using ${ctx.credentials.apiKey}`, { key: ctx.credentials.apiKey });
      await ctx.publish('Leaked', { key: ctx.credentials.apiKey });
      return { key: ctx.credentials.apiKey };
    },
    store: (ctx) => ctx.store.put('at', new Date(0)),
    publish: async (ctx) => ctx.publish('Nothing', { key: 1n }),
    crash: () => {
      throw new TypeError(`bad ${SECRET}`);
    },
    when: () => ({ at: new Date(0) }),
    big: () => ({ n: 1n }),
    nothing: () => undefined,
    tags: () => ({ users: [{ id: 'u', tags: new Set(['admin']) }] }),
    publish_tags: (ctx) => ctx.publish('Tagged', { byName: new Map([['u', 'admin']]) }),
    cycle: () => {
      const self: Record<string, unknown> = {};
      self.self = self;
      return self;
    },
  },
  identity: {
    getUser: (ctx, { id }) => ({ id, username: ctx.credentials.apiKey }),
    listUsers: () => ({ users: [{ id: '', username: 1 as unknown as string }] }),
  },
});

const context = () => createTestContext({ manifest: probe.manifest, credentials: { apiKey: SECRET } });

describe('callAction and callOperation run the handler through the plugin runtime', () => {
  it('redact credentials from what the call answers, logs and publishes', async () => {
    const ctx = context();
    expect(await callAction(probe, ctx, 'leak')).toEqual({ key: REDACTED });
    expect(await callOperation(probe, ctx, 'identity.getUser', { id: 'u' })).toMatchObject({
      username: REDACTED,
    });
    expect(ctx.logs).toEqual([{ level: 'info', message: `using ${REDACTED}`, fields: { key: REDACTED } }]);
    expect(ctx.published).toEqual([{ detailType: 'Leaked', detail: { key: REDACTED } }]);
    expect(JSON.stringify([ctx.logs, ctx.published])).not.toContain(SECRET);
  });

  it("answer what the store and the bus refuse as the plugin's failure, as the platform does", async () => {
    await expect(callAction(probe, context(), 'store')).rejects.toMatchObject({
      code: 'PluginFailed',
      message:
        'ctx.store.put was refused: the stored value is not valid: a Date is not JSON; store its toISOString()',
    });
    await expect(callAction(probe, context(), 'publish')).rejects.toMatchObject({
      code: 'PluginFailed',
      message: 'ctx.publish was refused at /detail/key: a BigInt is not JSON; answer a string or a number',
    });
  });

  it('answer an untyped error as the runtime does, its message in the log, redacted', async () => {
    const ctx = context();
    await expect(callAction(probe, ctx, 'crash')).rejects.toMatchObject({
      code: 'PluginFailed',
      status: 502,
      message: "the plugin threw TypeError; its message is in the plugin's log",
    });
    expect(ctx.logs).toMatchObject([{ level: 'error', fields: { error: `bad ${REDACTED}` } }]);
  });

  it("carry what the handler threw as the failure's cause, redacted, for the test runner to show", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 60 }),
        fc.constantFrom(Error, TypeError, RangeError),
        async (text, Kind) => {
          const thrower = throwerPlugin((apiKey) => new Kind(`${text} with ${apiKey}`));
          const ctx = createTestContext({ manifest: thrower.manifest, credentials: { apiKey: SECRET } });
          const failure = await callAction(thrower, ctx, 'go').catch((error: unknown) => error);
          expect(failure).toMatchObject({
            code: 'PluginFailed',
            message: expect.stringContaining(Kind.name),
          });
          const cause = (failure as Error).cause as Error;
          expect(cause).toBeInstanceOf(Error);
          expect(cause.name).toBe(Kind.name);
          expect(cause.message).toBe(`${text.replaceAll(SECRET, REDACTED)} with ${REDACTED}`);
          expect(cause.stack).toMatch(/call-handler\.test\.ts:\d+:\d+/);
          expect(cause.stack).not.toContain(SECRET);
        },
      ),
      { numRuns: 25 },
    );
    // A typed error is the plugin's answer itself, with no cause to add.
    await expect(callAction(probe, context(), 'store')).rejects.toSatisfy(
      (error: Error) => error.cause === undefined,
    );
  });

  it('answer JSON, as a client receives it', async () => {
    expect(await callAction(probe, context(), 'when')).toEqual({ at: new Date(0).toISOString() });
    await expect(callAction(probe, context(), 'big')).rejects.toMatchObject({ code: 'PluginFailed' });
    expect(await callAction(probe, context(), 'nothing')).toBeNull();
  });

  it('fail a call whose result JSON would change, naming where and what, as the platform does', async () => {
    await expect(callAction(probe, context(), 'tags')).rejects.toMatchObject({
      code: 'PluginFailed',
      status: 502,
      message: "the plugin's result was refused at /result/users/0/tags: a Set is not JSON; answer an array",
    });
    await expect(callAction(probe, context(), 'publish_tags')).rejects.toMatchObject({
      code: 'PluginFailed',
      message:
        'ctx.publish was refused at /detail/byName: a Map is not JSON; answer an object or an array of entries',
    });
    await expect(callAction(probe, context(), 'cycle')).rejects.toMatchObject({
      code: 'PluginFailed',
      message:
        "the plugin's result was refused at /result/self: the value contains itself, which JSON cannot hold",
    });
  });

  it('hold an output to its contract and a call to its credentials', async () => {
    await expect(callOperation(probe, context(), 'identity.listUsers')).rejects.toMatchObject({
      code: 'PluginFailed',
      message: expect.stringContaining('/users/0/id'),
    });
    const bare = createTestContext({ manifest: probe.manifest });
    await expect(callAction(probe, bare, 'leak')).rejects.toMatchObject({ code: 'CredentialsMissing' });
  });

  it('hold a call to a credential named as what every object inherits', async () => {
    const inherited = definePlugin({
      manifest: {
        slug: 'inherited',
        name: 'Inherited',
        version: '1.0.0',
        apiVersion: 1,
        authType: 'api_token',
        credentials: [{ name: 'constructor', label: 'Constructor' }],
        actions: [{ name: 'run', label: 'Run' }],
      },
      actions: { run: () => 'ran' },
    });
    const bare = createTestContext({ manifest: inherited.manifest });
    await expect(callAction(inherited, bare, 'run')).rejects.toMatchObject({
      code: 'CredentialsMissing',
      message: expect.stringContaining('constructor'),
    });
  });
});

describe('a TestContext given to a handler called directly', () => {
  it('redacts credentials from what the handler logs and publishes, as the runtime does', async () => {
    const ctx = context();
    await probe.actions.leak(ctx, {});
    expect(ctx.logs).toEqual([{ level: 'info', message: `using ${REDACTED}`, fields: { key: REDACTED } }]);
    expect(ctx.published).toEqual([{ detailType: 'Leaked', detail: { key: REDACTED } }]);
    expect(JSON.stringify([ctx.logs, ctx.published])).not.toContain(SECRET);
  });
});

describe("a TestContext's publish does what the runtime's does", () => {
  const context = () => createTestContext({ manifest: publisherPlugin.manifest, instance: INSTANCE });

  for (const publishCase of PUBLISH_CASES) {
    it(publishCase.name, async () => {
      publishing(publishCase);
      for (const [how, run] of [
        ['called directly', (ctx: TestContext) => publisherPlugin.actions.publish(ctx, {})],
        ['through callAction', (ctx: TestContext) => callAction(publisherPlugin, ctx, 'publish')],
      ] as const) {
        const ctx = context();
        if (publishCase.refused) {
          await expect(run(ctx), how).rejects.toMatchObject({
            code: 'PluginFailed',
            message: publishCase.refused,
          });
          expect(ctx.published, how).toEqual([]);
        } else {
          await run(ctx);
          expect(ctx.published, how).toEqual([{ detailType: 'Checked', detail: publishCase.published }]);
        }
      }
    });
  }
});

describe("a TestContext's store does what the runtime's does", () => {
  const context = () => createTestContext({ manifest: storerPlugin.manifest, instance: STORER_INSTANCE });

  async function holds(storeCase: StoreCase): Promise<void> {
    storing(storeCase);
    for (const [how, run] of [
      ['called directly', (ctx: TestContext) => storerPlugin.actions.store(ctx, {})],
      ['through callAction', (ctx: TestContext) => callAction(storerPlugin, ctx, 'store')],
    ] as const) {
      if (storeCase.refused) await expect(run(context()), how).rejects.toMatchObject(storeCase.refused);
      else expect(await run(context()), how).toEqual(storeCase.answer);
    }
  }

  for (const storeCase of STORE_CASES) it(storeCase.name, () => holds(storeCase));

  it('a key over 1,024 bytes fails each call that takes one', async () => {
    await fc.assert(fc.asyncProperty(TOO_LONG_KEY_CASES, holds), { numRuns: 50 });
  });
});
