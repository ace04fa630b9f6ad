import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { bundlePlugin, bundlePlugins } from '../../../lib/bundle/plugin-bundle';
import { WORKER_GLUE } from '../../../lib/local/worker/worker-invoker';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const EXAMPLES = ['allow-list', 'audit-log', 'echo', 'file-logs', 'hmac-signer', 'kv-config'];
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('plugins bundled in one build', () => {
  it('each get the very file a build of the plugin alone writes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray(EXAMPLES, { minLength: 1 }), async (slugs) => {
        const outDir = await mkdtemp(join(tmpdir(), 'plugboard-bundles-'));
        dirs.push(outDir);
        const plugins = slugs.map((slug) => ({
          name: slug,
          pluginEntry: join(root, 'plugins', slug, 'index.ts'),
        }));
        const together = await bundlePlugins({ plugins, glueModule: WORKER_GLUE, outDir });
        expect([...together.keys()].sort()).toEqual([...slugs].sort());
        const texts = new Map(
          await Promise.all(
            slugs.map(async (slug) => [slug, await readFile(together.get(slug)!.file)] as const),
          ),
        );
        for (const { name, pluginEntry } of plugins) {
          // Into the same folder: a bundle's source map names its sources from there.
          const alone = await bundlePlugin({ slug: name, pluginEntry, glueModule: WORKER_GLUE, outDir });
          expect(alone.file).toBe(together.get(name)!.file);
          expect(await readFile(alone.file)).toEqual(texts.get(name));
        }
      }),
      { numRuns: 3 },
    );
    // Each run builds up to seven times, on a machine that may be busy.
  }, 120_000);
});
