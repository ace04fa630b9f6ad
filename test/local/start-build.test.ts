import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPluginModule } from '../../lib/local/plugin-module';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';

// Inside the repository, so the plugins resolve `plugboard/sdk` like real ones.
const root = join(import.meta.dirname, '../.tmp', `start-build-${process.pid}`);

const pluginSource = (slug: string, handlers = `actions: { which: () => ({ slug: '${slug}' }) },`) =>
  `import { definePlugin } from 'plugboard/sdk';
export default definePlugin({
  manifest: { slug: '${slug}', name: 'Plugin ${slug}', version: '1.0.0', apiVersion: 1, actions: [{ name: 'which', label: 'Which' }] },
  ${handlers}
});
`;
const writePlugin = (folder: string, source: string) => {
  mkdirSync(join(root, folder), { recursive: true });
  writeFileSync(join(root, folder, 'index.ts'), source);
};

const served = ['alpha', 'beta', 'gamma'];
let pb: TestPlatform;
const logged = (platform: TestPlatform, message: string) =>
  platform.logLines.map((line) => JSON.parse(line)).filter((l) => l.message === message);

beforeAll(async () => {
  for (const slug of served) writePlugin(slug, pluginSource(slug));
  writePlugin('broken', 'export default {;\n');
  writePlugin('no-handler', pluginSource('no-handler', ''));
  pb = await startTestPlatform({ pluginsDir: root });
});
afterAll(async () => {
  await pb?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('starting the local platform', () => {
  it('fails on a plugins folder that is not there, as the registry starts while plugins are read', async () => {
    await expect(startTestPlatform({ pluginsDir: join(root, 'not-there') })).rejects.toMatchObject({
      code: 'NotFound',
      message: `plugin directory "${join(root, 'not-there')}" does not exist`,
    });
  });

  it("builds every loaded plugin's worker bundle in one build, and none of those that did not load", async () => {
    const builds = logged(pb, 'plugins built');
    expect(builds).toEqual([expect.objectContaining({ plugins: served, ms: expect.any(Number) })]);
    expect(pb.platform.report.loaded.map((p) => p.slug)).toEqual(served);
    expect(pb.platform.report.errors.map((e) => e.dir)).toEqual([
      join(root, 'broken'),
      join(root, 'no-handler'),
    ]);
    for (const slug of served) {
      await pb.createInstance(`${slug}-1`, slug);
      const answer = await pb.call('POST', `/v1/instances/${slug}-1/actions/which`, {});
      expect(answer.body.result).toEqual({ slug });
    }
  });
});

describe("the plugins' modules, read for their manifests at start", () => {
  it('are built in one build when all of them build', async () => {
    const good = join(root, 'all-good');
    for (const slug of served) {
      mkdirSync(join(good, slug), { recursive: true });
      writeFileSync(join(good, slug, 'index.ts'), pluginSource(slug));
    }
    const started = await startTestPlatform({ pluginsDir: good });
    try {
      expect(logged(started, 'plugin modules built')).toEqual([
        expect.objectContaining({ folders: served, builds: 1, ms: expect.any(Number) }),
      ]);
      expect(started.platform.report.loaded.map((p) => p.slug)).toEqual(served);
    } finally {
      await started.close();
    }
  });

  it('are built one by one when one does not build, which is blamed for its error alone', async () => {
    // The batch, then each of the five folders alone.
    expect(logged(pb, 'plugin modules built')).toEqual([
      expect.objectContaining({ folders: [...served, 'no-handler'], builds: 6 }),
    ]);
    const out = mkdtempSync(join(tmpdir(), 'plugboard-modules-'));
    try {
      const alone = await importPluginModule(join(root, 'broken', 'index.ts'), out).then(
        () => 'built',
        (error: Error) => error.message,
      );
      expect(alone).toMatch(/^Build failed with 1 error:\nbroken\/index\.ts:1:\d+: ERROR: /);
      expect(pb.platform.report.errors.find((e) => e.dir === join(root, 'broken'))).toEqual({
        dir: join(root, 'broken'),
        message: `import failed: ${alone}`,
      });
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
