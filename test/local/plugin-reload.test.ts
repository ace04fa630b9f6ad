import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReloadedPlugin } from '../../lib/local/platform';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';
import { waitFor } from '../e2e/wait-for';

// Inside the repository, so the plugins resolve `plugboard/sdk` like real ones.
const root = join(import.meta.dirname, '../.tmp', `reload-${process.pid}`);

const pluginSource = (
  slug: string,
  answer: string,
  more = '',
) => `import { definePlugin } from 'plugboard/sdk';
export default definePlugin({
  manifest: { slug: '${slug}', name: '${answer}', version: '1.0.0', apiVersion: 1, ${more} actions: [{ name: 'which', label: 'Which build' }] },
  actions: { which: () => ({ build: '${answer}' }) },
});
`;
const writePlugin = (folder: string, source: string) => {
  mkdirSync(join(root, folder), { recursive: true });
  writeFileSync(join(root, folder, 'index.ts'), source);
};

let pb: TestPlatform;
const reloaded: ReloadedPlugin[] = [];
const which = async (instance: string) =>
  (await pb.call('POST', `/v1/instances/${instance}/actions/which`, {})).body?.result?.build;
const logged = (text: string) => async () => pb.logLines.some((line) => line.includes(text));
const folderErrors = async (folder: string) =>
  ((await pb.call('GET', '/v1/plugins')).body.errors as { dir: string }[]).filter((e) => e.dir === folder);
const listed = async () =>
  ((await pb.call('GET', '/v1/plugins')).body.plugins as { slug: string }[]).map((p) => p.slug);

beforeAll(async () => {
  writePlugin('a-owner', pluginSource('owned', 'owner'));
  writePlugin('steady', pluginSource('steady', 'steady-1'));
  writePlugin('m-first', pluginSource('shared', 'first'));
  writePlugin('p-waiter', pluginSource('shared', 'p-waiter'));
  pb = await startTestPlatform({
    pluginsDir: root,
    watch: true,
    onPluginReloaded: (plugin) => reloaded.push(plugin),
  });
  await pb.call('POST', '/v1/instances', { name: 'o', plugin: 'owned' });
  // The watcher sees changes only once it has read the folder: wait until one is seen.
  const until = Date.now() + 20_000;
  for (let edit = 2; !(await logged('"slug":"steady"')()); edit++) {
    if (Date.now() > until) throw new Error('the watcher reported no change');
    writePlugin('steady', pluginSource('steady', `steady-${edit}`));
    await waitFor(logged('"slug":"steady"'), 1_000, 'the watcher').catch(() => undefined);
  }
});
afterAll(async () => {
  await pb?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('file watching keeps the loader rules on slugs', () => {
  it('refuses a new folder that claims a loaded slug, and forgets the refusal when the folder goes', async () => {
    writePlugin('zz-impostor', pluginSource('owned', 'impostor'));
    await waitFor(logged('zz-impostor'), 15_000, 'the impostor to be refused');
    const refusal = pb.logLines.find((line) => line.includes('zz-impostor'))!;
    expect(refusal).toContain('plugin not loaded');
    expect(refusal).toContain('duplicate slug \\"owned\\": already loaded from folder \\"a-owner\\"');
    expect(await folderErrors('zz-impostor')).toEqual([
      {
        dir: 'zz-impostor',
        slug: 'owned',
        path: 'slug',
        message: 'duplicate slug "owned": already loaded from folder "a-owner"',
      },
    ]);
    expect(await which('o')).toBe('owner');
    expect((await pb.call('GET', '/v1/plugins/owned')).body.manifest.name).toBe('owner');

    rmSync(join(root, 'zz-impostor'), { recursive: true });
    await waitFor(async () => (await folderErrors('zz-impostor')).length === 0, 15_000, 'the refusal to go');
    expect(await which('o')).toBe('owner');
  });

  it('gives a slug let go to the folder refused it, the first by name when several wait, as a restart would', async () => {
    const refusedFor = (owner: string) => [
      {
        dir: 'p-waiter',
        slug: 'shared',
        path: 'slug',
        message: `duplicate slug "shared": already loaded from folder "${owner}"`,
      },
    ];
    await pb.call('POST', '/v1/instances', { name: 's', plugin: 'shared' });
    expect(await which('s')).toBe('first');
    // Refused at start by the loader, and now by a reload: both wait for the slug.
    expect(await folderErrors('p-waiter')).toEqual(refusedFor('m-first'));
    writePlugin('n-waiter', pluginSource('shared', 'n-waiter'));
    await waitFor(async () => (await folderErrors('n-waiter')).length === 1, 15_000, 'n-waiter refused');

    rmSync(join(root, 'm-first'), { recursive: true });
    await waitFor(async () => (await which('s')) === 'n-waiter', 15_000, 'n-waiter to serve the slug');
    expect((await pb.call('GET', '/v1/plugins/shared')).body.manifest.name).toBe('n-waiter');
    expect(await folderErrors('n-waiter')).toEqual([]);
    const refusedAgain = async () =>
      JSON.stringify(await folderErrors('p-waiter')) === JSON.stringify(refusedFor('n-waiter'));
    await waitFor(refusedAgain, 15_000, 'p-waiter refused in the name of n-waiter');

    writePlugin('n-waiter', pluginSource('other', 'n-other'));
    await waitFor(async () => (await which('s')) === 'p-waiter', 15_000, 'p-waiter to serve the slug');
    expect(await folderErrors('p-waiter')).toEqual([]);
    expect((await listed()).sort()).toEqual(['other', 'owned', 'shared', 'steady']);

    rmSync(join(root, 'n-waiter'), { recursive: true });
    rmSync(join(root, 'p-waiter'), { recursive: true });
    await waitFor(async () => (await listed()).length === 2, 15_000, 'the two folders to go');
    expect((await listed()).sort()).toEqual(['owned', 'steady']);
  });

  it('releases the old slug of a folder whose slug changed, and stops serving a deleted folder', async () => {
    writePlugin('a-owner', pluginSource('renamed', 'renamed'));
    await waitFor(logged('"slug":"renamed"'), 15_000, 'the renamed plugin');
    expect(reloaded).toContainEqual({ slug: 'renamed', dir: join(root, 'a-owner') });
    expect(pb.logLines.some((line) => line.includes('plugin removed: its folder now has slug'))).toBe(true);
    expect(await listed()).toEqual(['renamed', 'steady']);
    expect((await pb.call('GET', '/v1/plugins/owned')).status).toBe(404);
    expect((await pb.call('POST', '/v1/instances/o/actions/which', {})).status).toBe(404);
    expect(pb.platform.invoker.has('owned')).toBe(false);

    rmSync(join(root, 'a-owner'), { recursive: true });
    const gone = async () =>
      pb.logLines.some((line) => line.includes('index.ts is gone') && line.includes('"slug":"renamed"'));
    await waitFor(gone, 15_000, 'the folder to go');
    expect(await listed()).toEqual(['steady']);
    expect((await pb.call('GET', '/v1/plugins/renamed')).status).toBe(404);
    expect(pb.platform.invoker.has('renamed')).toBe(false);
  });

  it('logs and reports where a refused change is wrong, as the load report does', async () => {
    writePlugin('steady', pluginSource('steady', 'too-slow', 'timeoutSeconds: 99,'));
    const told = reloaded.length;
    await waitFor(logged('plugin not reloaded'), 15_000, 'the change to be refused');
    expect(reloaded.slice(told), 'a refused change is not a reload').toEqual([]);
    const refusal = pb.logLines.find((line) => line.includes('plugin not reloaded'))!;
    expect(JSON.parse(refusal)).toMatchObject({
      slug: 'steady',
      errors: ['timeoutSeconds: Too big: expected number to be <=29'],
    });
    expect(await folderErrors('steady')).toMatchObject([{ path: 'timeoutSeconds', slug: 'steady' }]);
  });
});
