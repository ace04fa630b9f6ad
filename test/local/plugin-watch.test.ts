import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';

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

let pb: TestPlatform;
const which = async (instance: string) =>
  (await pb.call('POST', `/v1/instances/${instance}/actions/which`, {})).body?.result?.build;

async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  writePlugin('changing', pluginSource('changing', 'v1'));
  writePlugin('steady', pluginSource('steady', 'steady-1'));
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

    writePlugin('changing', pluginSource('changing', 'v2'));
    await eventually(async () => (await which('c')) === 'v2');
    expect(pb.platform.invoker.bundleFile('steady')).toBe(steadyBundle);
    expect(await which('s')).toBe('steady-1');

    writePlugin('changing', 'export default definePlugin({ this is not valid');
    await eventually(async () => pb.logLines.some((line) => line.includes('plugin not reloaded')));
    expect(await which('c')).toBe('v2');

    // What the first build left is gone once its worker ended: one bundle and one module per plugin.
    const built = (folder: string, prefix: string) =>
      readdirSync(join(pb.platform.dataDir, folder)).filter(
        (name) => name.startsWith(prefix) && name.endsWith('.mjs'),
      );
    await eventually(async () => built('bundles', 'changing.').length === 1);
    expect(built('bundles', 'changing.')).toEqual([basename(pb.platform.invoker.bundleFile('changing')!)]);
    expect(built('modules', 'changing.module.')).toHaveLength(1);
  });
});
