import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WINDOW_OPTIONS } from '../fixtures/window-options';
import { startTestPlatform, type TestPlatform } from './harness';

// Inside the repository, so the plugin resolves `plugboard/sdk` like a real one.
const root = join(import.meta.dirname, '../.tmp', `instance-options-${process.pid}`);

/**
 * Answers its ctx.options and the names of its credentials: what definePlugin's types say of
 * ctx.options (test/unit/sdk/ctx-options-types.test.ts) is what a handler on the platform gets.
 * A later version may declare more options.
 */
const optioned = (version: string, added: object[] = []) => `import { definePlugin } from 'plugboard/sdk';
export default definePlugin({
  manifest: {
    slug: 'optioned', name: 'Optioned', version: '${version}', apiVersion: 1,
    options: ${JSON.stringify([...WINDOW_OPTIONS, ...added])},
    actions: [{ name: 'seen', label: 'Its options and the names of its credentials' }],
  },
  actions: { seen: (ctx) => ({ options: ctx.options, credentials: Object.keys(ctx.credentials) }) },
});
`;
const writePlugin = (dir: string, source: string) => {
  mkdirSync(join(dir, 'optioned'), { recursive: true });
  writeFileSync(join(dir, 'optioned', 'index.ts'), source);
};

let pb: TestPlatform;

beforeAll(async () => {
  writePlugin(root, optioned('1.0.0'));
  pb = await startTestPlatform({ pluginsDir: root });
});
afterAll(async () => {
  await pb?.close();
  rmSync(root, { recursive: true, force: true });
});

const seen = async (instance: string, on = pb) => {
  const answer = await on.call('POST', `/v1/instances/${instance}/actions/seen`, {});
  expect(answer.status).toBe(200);
  return answer.body.result;
};

describe('ctx.options on the platform', () => {
  it('holds the defaults and what the instance sets, never a secret option', async () => {
    let made = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            frozen: fc.boolean(),
            fromHour: fc.integer({ min: 0, max: 23 }),
            tone: fc.constantFrom('warm', 'dry'),
            tags: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 })),
          },
          { requiredKeys: ['fromHour'] },
        ),
        async (options) => {
          const name = `optioned-${made++}`;
          await pb.createInstance(name, 'optioned', options);
          const put = await pb.call('PUT', `/v1/instances/${name}/credentials`, { values: { apiKey: 'k' } });
          expect(put.status).toBeLessThan(300);
          expect(await seen(name)).toEqual({
            options: { frozen: false, ...options },
            credentials: ['apiKey'],
          });
          const removed = await pb.call(
            'PATCH',
            `/v1/instances/${name}`,
            { options: { frozen: null } },
            { 'if-match': '*' },
          );
          expect(removed.status).toBe(200);
          expect((await seen(name)).options).toEqual({ ...options, frozen: false });
        },
      ),
      { numRuns: 12 },
    );
  });

  it('refuses a secret option, which is set with the credentials', async () => {
    const answer = await pb.call('POST', '/v1/instances', {
      name: 'optioned-secret',
      plugin: 'optioned',
      options: { fromHour: 9, apiKey: 'k' },
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('/options/apiKey');
  });

  it('fills in the default of an option a later version declares, and refuses calls without a required one', async () => {
    const dir = join(root, 'upgraded');
    const dataDir = join(root, 'upgraded-data');
    writePlugin(dir, optioned('1.0.0'));
    const first = await startTestPlatform({ pluginsDir: dir, memory: false, dataDir });
    try {
      await first.createInstance('kept', 'optioned', { fromHour: 9 });
      await first.call('PUT', '/v1/instances/kept/credentials', { values: { apiKey: 'k' } });
    } finally {
      await first.close();
    }
    writePlugin(
      dir,
      optioned('1.1.0', [
        { name: 'region', label: 'Region', type: 'string', default: 'eu' },
        { name: 'zone', label: 'Zone', type: 'string', required: true },
      ]),
    );
    const second = await startTestPlatform({ pluginsDir: dir, memory: false, dataDir });
    try {
      // A required option the instance was made without: the handler would get less than its type says.
      const refused = await second.call('POST', '/v1/instances/kept/actions/seen', {});
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'OptionsMissing' });
      expect(refused.body.detail).toContain('zone');
      expect(refused.body.detail).not.toContain('region');
      const patched = await second.call(
        'PATCH',
        '/v1/instances/kept',
        { options: { zone: 'a' } },
        { 'if-match': '*' },
      );
      expect(patched.status).toBe(200);
      expect((await seen('kept', second)).options).toEqual({
        frozen: false,
        fromHour: 9,
        region: 'eu',
        zone: 'a',
      });
    } finally {
      await second.close();
    }
  });
});
