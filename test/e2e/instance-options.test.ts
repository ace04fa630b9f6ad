import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../lib/cli/program';
import { WINDOW_OPTIONS } from '../fixtures/window-options';
import { startTestPlatform, type TestPlatform } from './harness';

// Inside the repository, so the plugin resolves `plugboard/sdk` like a real one.
const root = join(import.meta.dirname, '../.tmp', `instance-options-${process.pid}`);

/**
 * Answers its ctx.options and the names of its credentials: what definePlugin's types say of
 * ctx.options (test/unit/sdk/ctx-options-types.test.ts) is what a handler on the platform gets.
 * A later version may declare other options.
 */
const optioned = (
  version: string,
  options: readonly object[] = WINDOW_OPTIONS,
) => `import { definePlugin } from 'plugboard/sdk';
export default definePlugin({
  manifest: {
    slug: 'optioned', name: 'Optioned', version: '${version}', apiVersion: 1,
    options: ${JSON.stringify(options)},
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

/** Starts a platform on `dataDir` with the plugin at `version`, declaring `options`, and closes it after `use`. */
const withVersion = async (
  dir: string,
  dataDir: string,
  version: string,
  options: readonly object[],
  use: (platform: TestPlatform) => Promise<void>,
) => {
  writePlugin(dir, optioned(version, options));
  const platform = await startTestPlatform({ pluginsDir: dir, memory: false, dataDir });
  try {
    await use(platform);
  } finally {
    await platform.close();
  }
};

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
        ...WINDOW_OPTIONS,
        { name: 'region', label: 'Region', type: 'string', default: 'eu' },
        { name: 'zone', label: 'Zone', type: 'string', required: true },
      ]),
    );
    const second = await startTestPlatform({ pluginsDir: dir, memory: false, dataDir });
    try {
      // A required option the instance was made without: the handler would get less than its type says.
      const refused = await second.call('POST', '/v1/instances/kept/actions/seen', {});
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({ code: 'OptionsOutdated' });
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

  it('refuses calls while a stored option has the wrong type or is not among the choices, leaves out a dropped one, and lets PATCH fix them one at a time', async () => {
    const dir = join(root, 'changed');
    const dataDir = join(root, 'changed-data');
    const legacy = { name: 'legacy', label: 'Legacy', type: 'string' };
    let readBefore = '';
    let generation = '';
    await withVersion(dir, dataDir, '1.0.0', [...WINDOW_OPTIONS, legacy], async (first) => {
      ({ generation } = await first.createInstance('aged', 'optioned', {
        fromHour: 9,
        tone: 'dry',
        legacy: 'kept',
      }));
      await first.call('PUT', '/v1/instances/aged/credentials', { values: { apiKey: 'k' } });
      readBefore = (await first.call('GET', '/v1/instances/aged')).headers.get('etag') ?? '';
    });
    expect(readBefore).toBe(`"2-${generation}"`);
    // 2.0.0: fromHour becomes a string, tone loses "dry", legacy is dropped.
    const changed = WINDOW_OPTIONS.filter((o) => o.name !== 'fromHour' && o.name !== 'tone');
    const v2 = [
      ...changed,
      { name: 'fromHour', label: 'From hour', type: 'string', required: true },
      { name: 'tone', label: 'Tone', type: 'string', choices: ['warm'] },
    ];
    await withVersion(dir, dataDir, '2.0.0', v2, async (second) => {
      const pointers = (errors: { pointer: string }[]) => errors.map((e) => e.pointer).sort();
      const refusedFor = async (expected: string[]) => {
        const refused = await second.call('POST', '/v1/instances/aged/actions/seen', {});
        expect(refused.status).toBe(409);
        expect(refused.headers.get('content-type')).toContain('application/problem+json');
        expect(refused.body).toMatchObject({ code: 'OptionsOutdated' });
        expect(pointers(refused.body.errors)).toEqual(expected);
      };
      const outdated = async () => {
        const read = await second.call('GET', '/v1/instances/aged');
        expect(read.status).toBe(200);
        return read.body;
      };
      const patch = (options: Record<string, unknown>) =>
        second.call('PATCH', '/v1/instances/aged', { options }, { 'if-match': '*' });

      // Heard of when the version loads, before any caller is refused.
      const warned = second.logLines
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.level === 'warn' && entry.plugin === 'optioned');
      expect(warned).toMatchObject([{ version: '2.0.0', count: 1, instances: ['aged'] }]);
      expect(warned[0].message).toContain('OptionsOutdated');
      // A dropped option is no reason to refuse: it is left out of ctx.options, and shown.
      await refusedFor(['/options/fromHour', '/options/tone']);
      // The upgrade changed what a read answers with no write: a copy read before is not current.
      const reread = await second.call('GET', '/v1/instances/aged', undefined, {
        'if-none-match': readBefore,
      });
      expect(reread.status).toBe(200);
      const upgradedTag = reread.headers.get('etag') ?? '';
      expect(upgradedTag).toMatch(new RegExp(`^"2-${generation}\\.[0-9a-f]{8}"$`));
      expect(
        (await second.call('GET', '/v1/instances/aged', undefined, { 'if-none-match': upgradedTag })).status,
      ).toBe(304);
      const before = await outdated();
      expect(pointers(before.outdatedOptions)).toEqual([
        '/options/fromHour',
        '/options/legacy',
        '/options/tone',
      ]);
      expect(before.options).toEqual({ frozen: false, fromHour: 9, tone: 'dry', legacy: 'kept' });
      const listed = await second.call('GET', '/v1/instances?plugin=optioned');
      expect(
        pointers(listed.body.instances.find((i: { name: string }) => i.name === 'aged').outdatedOptions),
      ).toEqual(pointers(before.outdatedOptions));
      // As an operator lists them after an upgrade.
      const printed: string[] = [];
      vi.spyOn(console, 'log').mockImplementation((...line) => void printed.push(line.join(' ')));
      const { url, token } = second.platform;
      await runCli([
        'node',
        'plugboard',
        'instances',
        'list',
        '--plugin',
        'optioned',
        '--endpoint',
        url,
        '--token',
        token,
      ]);
      vi.restoreAllMocks();
      expect(printed.join('\n')).toMatch(/^aged\s+optioned\s+outdated: fromHour, tone, legacy$/m);

      // A patch is held to what it names, whatever else is stale.
      const stillWrong = await patch({ tone: 'dry' });
      expect(stillWrong.status).toBe(400);
      expect(pointers(stillWrong.body.errors)).toEqual(['/options/tone']);
      expect((await patch({ legacy: 'again' })).status).toBe(400);

      // One at a time: what it leaves alone stays as stored. If-Match holds it to the version its tag names.
      const toned = await second.call(
        'PATCH',
        '/v1/instances/aged',
        { options: { tone: 'warm' } },
        { 'if-match': upgradedTag },
      );
      expect(toned.status).toBe(200);
      expect(toned.headers.get('etag')).toMatch(new RegExp(`^"3-${generation}\\.[0-9a-f]{8}"$`));
      expect(
        (
          await second.call(
            'PATCH',
            '/v1/instances/aged',
            { options: { tone: 'warm' } },
            { 'if-match': readBefore },
          )
        ).status,
      ).toBe(412);
      expect(pointers(toned.body.outdatedOptions)).toEqual(['/options/fromHour', '/options/legacy']);
      expect(toned.body.options).toEqual({ frozen: false, fromHour: 9, tone: 'warm', legacy: 'kept' });
      await refusedFor(['/options/fromHour']);

      expect((await patch({ fromHour: '9' })).status).toBe(200);
      expect((await seen('aged', second)).options).toEqual({ frozen: false, fromHour: '9', tone: 'warm' });
      expect(pointers((await outdated()).outdatedOptions)).toEqual(['/options/legacy']);

      const removed = await patch({ legacy: null });
      expect(removed.status).toBe(200);
      expect(removed.headers.get('etag')).toBe(`"5-${generation}"`);
      expect(removed.body.outdatedOptions).toEqual([]);
      expect(removed.body.options).toEqual({ frozen: false, fromHour: '9', tone: 'warm' });
    });
    // Fixed, the instance is no longer reported when the version loads.
    await withVersion(dir, dataDir, '2.0.0', v2, async (third) => {
      expect(third.logLines.filter((line) => line.includes('OptionsOutdated'))).toEqual([]);
      expect((await third.call('POST', '/v1/instances/aged/actions/seen', {})).status).toBe(200);
    });
  });
});
