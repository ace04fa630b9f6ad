import fc from 'fast-check';
import { CursorExpiredError, definePlugin, NotFoundError } from 'plugboard/sdk';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../../lib/testing';
import { throwerPlugin } from '../../fixtures/thrower';

/** A configuration plugin with two contract bugs: missing keys come back as null, and a second delete fails. */
const values = new Map<string, string>();
const leakyConfig = definePlugin({
  manifest: {
    slug: 'leaky-config',
    name: 'Leaky',
    version: '1.0.0',
    apiVersion: 1,
    types: ['configuration'],
  },
  configuration: {
    listKeys: () => [...values.keys()].map((key) => ({ key })),
    getValues: (_ctx, { keys = [...values.keys()] }) =>
      keys.map((key) => ({ key, value: values.get(key) ?? null })),
    setValue: (_ctx, { key, value }) => {
      values.set(key, String(value));
      return { key, lastModified: new Date().toISOString() };
    },
    deleteKey: (_ctx, { key }) => {
      if (!values.delete(key)) throw new NotFoundError(`no key ${key}`);
      return {};
    },
  },
});

/** A logs plugin that answers oldest first, pages with overlap and accepts any cursor. */
const entries = Array.from({ length: 10 }, (_, i) => ({
  timestamp: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
  message: `entry ${i}`,
}));
const sloppyLogs = definePlugin({
  manifest: { slug: 'sloppy-logs', name: 'Sloppy', version: '1.0.0', apiVersion: 1, types: ['logs'] },
  logs: {
    search: (_ctx, { limit, cursor }) => {
      const from = cursor === undefined ? 0 : Number.parseInt(cursor, 10) || 0;
      const page = entries.slice(from, from + limit);
      return from + limit < entries.length
        ? { entries: page, nextCursor: String(from + limit - 1) }
        : { entries: page };
    },
    schema: () => ({
      fields: [
        { name: 'message', type: 'string' },
        { name: 'message', type: 'string' },
      ],
    }),
  },
});

/** Leaks its credential base64-encoded, which the runtime's literal redaction cannot catch. */
const leakySecret = definePlugin({
  manifest: {
    slug: 'leaky-secret',
    name: 'Leaky secret',
    version: '1.0.0',
    apiVersion: 1,
    authType: 'api_token',
    credentials: [{ name: 'apiKey', label: 'API key' }],
    actions: [{ name: 'whoami', label: 'Who am I' }],
  },
  actions: {
    whoami: (ctx) => {
      ctx.log.info('calling upstream', {
        auth: Buffer.from(ctx.credentials.apiKey).toString('base64'),
      });
      return { ok: true };
    },
  },
});

const failed = async (plugin: unknown) =>
  (await runConformance(plugin)).checks.filter((c) => !c.ok).map((c) => c.name);

describe('runConformance catches broken plugins', () => {
  it('a getValues that returns missing keys and a deleteKey that is not idempotent', async () => {
    const report = await runConformance(leakyConfig);
    expect(report.ok).toBe(false);
    expect(report.plugin).toBe('leaky-config');
    expect(await failed(leakyConfig)).toEqual([
      'configuration: getValues omits missing keys',
      'configuration: deleteKey is idempotent',
    ]);
    expect(report.checks.find((c) => c.name.includes('omits'))?.detail).toMatch(/missing key conformance-/);
  });

  it('logs oldest first, overlapping pages, any cursor accepted, a repeated schema field', async () => {
    expect(await failed(sloppyLogs)).toEqual([
      'logs: search respects limit and answers newest first',
      'logs: cursor paging covers the entries once, in order',
      'logs: a bad cursor answers CursorExpired',
      'logs: schema lists named, typed fields',
    ]);
  });

  it('a credential that leaves the plugin encoded', async () => {
    expect(await failed(leakySecret)).toEqual([
      'secrets: credentials never appear in answers, logs or events',
    ]);
  });

  it('a manifest that does not validate, without running anything else', async () => {
    const report = await runConformance({ manifest: { slug: 'Bad Slug', apiVersion: 1 } });
    expect(report).toMatchObject({ plugin: 'Bad Slug', ok: false });
    expect(report.checks).toHaveLength(1);
    expect(report.checks[0]!.detail).toContain('slug');
  });

  it('a required action param left out by the fixtures is refused, a wrong fixture is reported', async () => {
    const greeter = definePlugin({
      manifest: {
        slug: 'greeter',
        name: 'Greeter',
        version: '1.0.0',
        apiVersion: 1,
        actions: [
          { name: 'greet', label: 'Greet', requiredParams: [{ name: 'who', label: 'Who', type: 'string' }] },
        ],
      },
      actions: {
        greet: (_ctx, { who }) => {
          if (who === 'nobody') throw new CursorExpiredError('not a real error for a greeting');
          return { greeting: `Hello, ${who}` };
        },
      },
    });
    // Without its params the action is not called, and the report says so rather than leave it out.
    const unfed = await runConformance(greeter);
    expect(unfed.ok).toBe(true);
    expect(unfed.checks).toContainEqual({
      name: 'action greet: answers a call with valid params',
      ok: true,
      skipped: true,
      detail:
        "not called: it has required params; give them in the fixtures' actions.greet (conformance.fixtures.ts beside index.ts, for plugboard test)",
    });
    const fed = await runConformance(greeter, { actions: { greet: { who: 'Ada' } } });
    expect(fed.ok).toBe(true);
    expect(fed.checks.filter((c) => c.skipped)).toEqual([]);
    const report = await runConformance(greeter, { actions: { greet: { who: 'nobody' } } });
    expect(report.checks.find((c) => !c.ok)).toMatchObject({
      name: 'action greet: answers a call with valid params',
      detail: expect.stringContaining('CursorExpired'),
    });
    const invalid = await runConformance(greeter, { actions: { greet: { who: 42 } } });
    expect(invalid.checks.find((c) => !c.ok)?.detail).toContain('/params/who');
  });
});

describe('a check failed by a handler that threw', () => {
  // The runtime answers only the error's name and leaves its message to the plugin's log, which a
  // report (`plugboard test`, `plugboard dev`, a failed assertion) does not show.
  it("tells the thrown message's first line and where it was thrown", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 80 }).filter((s) => !/[\r\n\u2028\u2029]/.test(s)),
        fc.constantFrom(Error, TypeError, RangeError),
        async (message, Kind) => {
          const thrower = throwerPlugin(() => new Kind(`${message}\nsecond line`));
          const failure = (await runConformance(thrower)).checks.find((c) => !c.ok);
          expect(failure?.name).toBe('action go: answers a call with valid params');
          expect(failure?.detail).toContain(`the plugin threw ${Kind.name}`);
          expect(failure?.detail).toContain(JSON.stringify(message));
          expect(failure?.detail).not.toContain('second line');
          expect(failure?.detail).toMatch(/ at .*conformance-broken\.test\.ts:\d+:\d+/);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('tells a typed error as the plugin answered it, with nothing added', async () => {
    const refuser = definePlugin({
      manifest: {
        slug: 'refuser',
        name: 'Refuser',
        version: '1.0.0',
        apiVersion: 1,
        actions: [{ name: 'go', label: 'Go' }],
      },
      actions: {
        go: (ctx) => {
          ctx.log.error('about to refuse', { error: 'logged by the plugin' });
          throw new NotFoundError('nothing to go to');
        },
      },
    });
    expect((await runConformance(refuser)).checks.find((c) => !c.ok)?.detail).toBe(
      'action go answered NotFound: nothing to go to',
    );
  });
});

describe('runConformance checks the identity, deployment, lifecycle and webhook contracts', () => {
  const manifest = { name: 'Broken', version: '1.0.0', apiVersion: 1 } as const;

  it('an identity plugin whose getUser throws and whose listUsers breaks the user schema', async () => {
    const identity = definePlugin({
      manifest: { ...manifest, slug: 'broken-identity', types: ['identity'] },
      identity: {
        getUser: () => {
          throw new TypeError('no directory');
        },
        listUsers: () => ({ users: [{ id: '', username: 1 as unknown as string }] }),
      },
    });
    const report = await runConformance(identity);
    expect(report.checks.filter((c) => !c.ok)).toEqual([
      {
        name: 'identity: listUsers answers at most limit users, paged by its cursor',
        ok: false,
        detail: expect.stringContaining(
          'PluginFailed: the answer of identity.listUsers broke its contract at /users/0/id',
        ),
      },
      {
        name: 'identity: getUser answers the user it is asked for',
        ok: false,
        detail: expect.stringContaining('PluginFailed: the plugin threw TypeError'),
      },
    ]);
  });

  it('a deployment plugin whose getStatus answers another deployment, and one whose deploy breaks the schema', async () => {
    const deployments = (status: string) =>
      definePlugin({
        manifest: { ...manifest, slug: 'broken-deployment', types: ['deployment'] },
        deployment: {
          deploy: () => ({ deploymentId: 'd-1', status: status as 'running' }),
          getStatus: () => ({ deploymentId: 'd-other', status: 'running' }),
        },
      });
    expect(await failed(deployments('running'))).toEqual([
      'deployment: getStatus answers the deployment it is asked for',
    ]);
    expect((await runConformance(deployments('done'))).checks.find((c) => !c.ok)).toMatchObject({
      name: 'deployment: deploy answers a deployment',
      detail: expect.stringContaining('/status'),
    });
  });

  it('a lifecycle hook that throws, and one that stores what the registry refuses', async () => {
    const lifecycle = definePlugin({
      manifest: { ...manifest, slug: 'broken-lifecycle', types: ['lifecycle'] },
      lifecycle: {
        onInstanceCreated: async (ctx, detail) => {
          await ctx.store.put('created', { ...detail, at: new Date() });
        },
        onInstanceUpdated: () => {},
        onInstanceDeleted: (_ctx, detail) => {
          if (detail.instance !== 'conformance') throw new Error('wrong instance');
          throw new NotFoundError('the instance is gone');
        },
      },
    });
    const report = await runConformance(lifecycle);
    expect(report.checks.filter((c) => !c.ok)).toEqual([
      {
        name: 'lifecycle: onInstanceCreated runs on an Instance Created event',
        ok: false,
        detail:
          'lifecycle onInstanceCreated answered PluginFailed: ctx.store.put was refused: the stored value is not valid: a Date is not JSON; store its toISOString() (at /at)',
      },
      {
        name: 'lifecycle: onInstanceDeleted runs on an Instance Deleted event',
        ok: false,
        detail: 'lifecycle onInstanceDeleted answered NotFound: the instance is gone',
      },
    ]);
  });

  it("a webhook action called with its configSchema's example, or the fixture's config when it fits", async () => {
    const seen: unknown[] = [];
    const webhook = definePlugin({
      manifest: {
        ...manifest,
        slug: 'broken-webhook',
        types: ['webhook'],
        webhookActions: [
          {
            name: 'record',
            label: 'Record',
            configSchema: {
              type: 'object',
              properties: { label: { type: 'string' } },
              required: ['label'],
              examples: [{ label: 'from-example' }],
            },
          },
          { name: 'publish', label: 'Publish', configSchema: { type: 'object', default: { n: 1 } } },
        ],
      },
      webhook: {
        record: (_ctx, call) => {
          seen.push(call.actionConfig);
        },
        publish: (ctx, call) => ctx.publish('Webhook Seen', { config: call.actionConfig, at: 1n }),
      },
    });
    const report = await runConformance(webhook);
    expect(seen).toEqual([{ label: 'from-example' }]);
    expect(report.checks.filter((c) => c.name.startsWith('webhook'))).toEqual([
      {
        name: 'webhook record: answers a delivery with a valid actionConfig',
        ok: true,
        detail: "called with the configSchema's example",
      },
      {
        name: 'webhook publish: answers a delivery with a valid actionConfig',
        ok: false,
        detail: expect.stringContaining(
          'webhook publish answered PluginFailed: ctx.publish was refused at /detail/at: a BigInt is not JSON; answer a string or a number',
        ),
      },
    ]);
    const wrong = await runConformance(webhook, {
      webhooks: { record: { actionConfig: {} }, publish: false },
    });
    expect(wrong.checks.find((c) => !c.ok)).toMatchObject({
      name: 'webhook record: answers a delivery with a valid actionConfig',
      detail: expect.stringContaining('/actionConfig/label'),
    });
  });
});
