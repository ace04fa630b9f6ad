import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CREDENTIALS,
  OPTIONAL_CREDENTIALS,
  REQUIRED_CREDENTIALS,
  SECRET_OPTIONS,
} from '../fixtures/instance-credentials';
import { startTestPlatform, type TestPlatform } from './harness';
import { sendWebhook } from './send-webhook';
import { waitFor } from './wait-for';

// Inside the repository, so the plugin resolves `plugboard/sdk` like a real one.
const root = join(import.meta.dirname, '../.tmp', `instance-credentials-${process.pid}`);

/**
 * Answers the names of its credentials, and keeps those its webhook action saw: what definePlugin's
 * types say of ctx.credentials in an action and a webhook action
 * (test/unit/sdk/ctx-credentials-types.test.ts) is what a handler on the platform gets.
 */
const keyed = `import { definePlugin, type PluginContext } from 'plugboard/sdk';
// Takes the required ones as strings: a handler whose ctx may lack them could not pass its own.
const seen = (ctx: PluginContext<unknown, { token: string; apiKey: string }>) => {
  const required: string[] = [ctx.credentials.token, ctx.credentials.apiKey];
  return { names: Object.keys(ctx.credentials).sort(), required: required.every((value) => value.length > 0) };
};
export default definePlugin({
  manifest: {
    slug: 'keyed', name: 'Keyed', version: '1.0.0', apiVersion: 1, authType: 'api_token', types: ['webhook'],
    credentials: ${JSON.stringify(CREDENTIALS)},
    options: ${JSON.stringify(SECRET_OPTIONS)},
    actions: [
      { name: 'seen', label: 'The names of its credentials' },
      { name: 'webhooked', label: 'The names its webhook action saw' },
    ],
    webhookActions: [{ name: 'record', label: 'Keeps the names of its credentials' }],
  },
  webhook: { record: async (ctx) => void (await ctx.store.put('seen', seen(ctx))) },
  actions: {
    seen,
    webhooked: async (ctx) => (await ctx.store.get('seen'))?.value ?? null,
  },
});
`;

const SECRET = 'webhook-secret-0123456789abcdef';
let pb: TestPlatform;

beforeAll(async () => {
  mkdirSync(join(root, 'keyed'), { recursive: true });
  writeFileSync(join(root, 'keyed', 'index.ts'), keyed);
  pb = await startTestPlatform({ pluginsDir: root });
});
afterAll(async () => {
  await pb?.close();
  rmSync(root, { recursive: true, force: true });
});

const valuesOf = (names: readonly string[]) => Object.fromEntries(names.map((name) => [name, `${name}-v`]));

describe('ctx.credentials on the platform', () => {
  it('holds the required credentials and secret options, and the optional ones the instance sets', async () => {
    let made = 0;
    await fc.assert(
      fc.asyncProperty(fc.subarray([...OPTIONAL_CREDENTIALS]), async (optional) => {
        const name = `keyed-${made++}`;
        await pb.createInstance(name, 'keyed');
        const set = [...REQUIRED_CREDENTIALS, ...optional];
        const put = await pb.call('PUT', `/v1/instances/${name}/credentials`, { values: valuesOf(set) });
        expect(put.status).toBeLessThan(300);
        const answer = await pb.call('POST', `/v1/instances/${name}/actions/seen`, {});
        expect(answer.status).toBe(200);
        expect(answer.body.result).toEqual({ names: [...set].sort(), required: true });
      }),
      { numRuns: 8 },
    );
  });

  it('refuses an action until the required ones are set, which its type says are there', async () => {
    await pb.createInstance('keyed-bare', 'keyed');
    const refused = await pb.call('POST', '/v1/instances/keyed-bare/actions/seen', {});
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'CredentialsMissing' });
    for (const name of REQUIRED_CREDENTIALS) expect(refused.body.detail).toContain(name);
    for (const name of OPTIONAL_CREDENTIALS) expect(refused.body.detail).not.toContain(name);
    // How to set them, from the CLI as over HTTP.
    const command = /`(plugboard credentials set keyed-bare[^`]*)`/.exec(refused.body.detail)?.[1];
    expect(
      command
        ?.match(/--value (\w+)=<value>/g)
        ?.map((flag) => flag.slice(8, -8))
        .sort(),
    ).toEqual([...REQUIRED_CREDENTIALS].sort());
    expect(refused.body.detail).toContain('PUT /v1/instances/keyed-bare/credentials');
  });

  it('runs a webhook action only for an instance with the required ones, which its type says are there', async () => {
    await pb.createInstance('hooked-with', 'keyed');
    await pb.createInstance('hooked-without', 'keyed');
    const put = await pb.call('PUT', '/v1/instances/hooked-with/credentials', {
      values: valuesOf(REQUIRED_CREDENTIALS),
    });
    expect(put.status).toBeLessThan(300);
    expect((await pb.call('PUT', '/v1/webhook-sources/keys', { secret: SECRET })).status).toBe(201);
    const rule = await pb.call('POST', '/v1/webhook-sources/keys/rules', { handler: 'keyed#record' });
    expect(rule.status).toBe(201);
    const sent = await sendWebhook(pb.platform.url, 'keys', {
      secret: SECRET,
      body: '{}',
      deliveryId: 'd-1',
    });
    expect(sent.status).toBe(202);
    const delivery = async () => (await pb.call('GET', '/v1/webhooks/keys/deliveries')).body.deliveries[0];
    await waitFor(async () => (await delivery())?.status === 'processed');
    const { outcomes } = await delivery();
    expect(outcomes).toContainEqual({ rule: rule.body.id, instance: 'hooked-with', outcome: 'succeeded' });
    expect(outcomes).toContainEqual({
      rule: rule.body.id,
      instance: 'hooked-without',
      outcome: 'skipped',
      reason: 'the instance has no credentials',
    });
    const seen = await pb.call('POST', '/v1/instances/hooked-with/actions/webhooked', {});
    expect(seen.body.result).toEqual({ names: [...REQUIRED_CREDENTIALS].sort(), required: true });
  });
});
