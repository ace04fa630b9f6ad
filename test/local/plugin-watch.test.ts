import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';
import { waitFor } from '../e2e/wait-for';

// Inside the repository, so the plugins resolve `plugboard/sdk` like real ones.
const root = join(import.meta.dirname, '../.tmp', `watch-${process.pid}`);

const pluginSource = (slug: string, answer: string) => `import { definePlugin } from 'plugboard/sdk';
export default definePlugin({
  manifest: { slug: '${slug}', name: '${slug}', version: '1.0.0', apiVersion: 1, actions: [{ name: 'which', label: 'Which build' }] },
  actions: { which: () => ({ build: '${answer}' }) },
});
`;
const writePlugin = (slug: string, source: string) => {
  mkdirSync(join(root, slug), { recursive: true });
  writeFileSync(join(root, slug, 'index.ts'), source);
};

/** A plugin with one option, `mode`, of the given type. */
const tunedSource = (version: string, type: string) => `import { definePlugin } from 'plugboard/sdk';
export default definePlugin({
  manifest: {
    slug: 'tuned', name: 'Tuned', version: '${version}', apiVersion: 1,
    options: [{ name: 'mode', label: 'Mode', type: '${type}' }],
    actions: [{ name: 'mode', label: 'Its mode' }],
  },
  actions: { mode: (ctx) => ({ mode: ctx.options.mode }) },
});
`;

let pb: TestPlatform;
const which = async (instance: string) =>
  (await pb.call('POST', `/v1/instances/${instance}/actions/which`, {})).body?.result?.build;

beforeAll(async () => {
  writePlugin('changing', pluginSource('changing', 'v1'));
  writePlugin('steady', pluginSource('steady', 'steady-1'));
  writePlugin('tuned', tunedSource('1.0.0', 'string'));
  pb = await startTestPlatform({ pluginsDir: root, watch: true });
  await pb.call('POST', '/v1/instances', { name: 'c', plugin: 'changing' });
  await pb.call('POST', '/v1/instances', { name: 's', plugin: 'steady' });
});
afterAll(async () => {
  await pb?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('file watching', () => {
  it('swaps only the changed plugin and keeps the previous build when a change breaks it', async () => {
    expect(await which('c')).toBe('v1');
    const steadyBundle = pb.platform.invoker.bundleFile('steady');
    // Its files as written: a build that took in the steady plugin would write them again.
    const steadyWritten = () =>
      ['bundles', 'modules'].flatMap((folder) =>
        readdirSync(join(pb.platform.dataDir, folder))
          .filter((name) => name.startsWith('steady.'))
          .map((name) => [name, statSync(join(pb.platform.dataDir, folder, name)).mtimeMs]),
      );
    const steadyBefore = steadyWritten();

    writePlugin('changing', pluginSource('changing', 'v2'));
    await waitFor(async () => (await which('c')) === 'v2', 15_000, 'the changed build');
    expect(pb.platform.invoker.bundleFile('steady')).toBe(steadyBundle);
    expect(steadyWritten()).toEqual(steadyBefore);
    expect(await which('s')).toBe('steady-1');

    writePlugin('changing', 'export default definePlugin({ this is not valid');
    await waitFor(
      async () => pb.logLines.some((line) => line.includes('plugin not reloaded')),
      15_000,
      'the broken change to be refused',
    );
    expect(await which('c')).toBe('v2');

    // What the first build left is gone once its worker ended: one bundle and one module per plugin.
    const built = (folder: string, prefix: string) =>
      readdirSync(join(pb.platform.dataDir, folder)).filter(
        (name) => name.startsWith(prefix) && name.endsWith('.mjs'),
      );
    await waitFor(async () => built('bundles', 'changing.').length === 1, 15_000, 'the first bundle to go');
    expect(built('bundles', 'changing.')).toEqual([basename(pb.platform.invoker.bundleFile('changing')!)]);
    expect(built('modules', 'changing.module.')).toHaveLength(1);
  });

  it('warns of instances whose options the reloaded version no longer takes', async () => {
    expect(
      (await pb.call('POST', '/v1/instances', { name: 't', plugin: 'tuned', options: { mode: 'fast' } }))
        .status,
    ).toBe(201);
    const warned = () =>
      pb.logLines
        .map((line) => JSON.parse(line))
        .filter((entry) => entry.level === 'warn' && entry.plugin === 'tuned');
    expect(warned()).toEqual([]);
    writePlugin('tuned', tunedSource('2.0.0', 'integer'));
    await waitFor(async () => warned().length > 0, 15_000, 'the warning of the reloaded version');
    expect(warned()).toMatchObject([{ version: '2.0.0', count: 1, instances: ['t'] }]);
    expect((await pb.call('POST', '/v1/instances/t/actions/mode', {})).body).toMatchObject({
      code: 'OptionsOutdated',
    });
  });
});
