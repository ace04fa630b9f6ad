import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  it("builds every loaded plugin's worker bundle in one build, and none of those that did not load", async () => {
    const builds = pb.logLines.map((line) => JSON.parse(line)).filter((l) => l.message === 'plugins built');
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
