import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { loadFolder } from '../../lib/core/loader/load-plugins';
import { readProcessFolder } from '../../lib/local/process/process-plugins';

// Inside the repository, so the TypeScript plugins resolve `plugboard/sdk` like real ones.
const root = join(import.meta.dirname, '../.tmp', `api-version-${process.pid}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A manifest for `apiVersion`, with whatever else a later platform's manifest might hold. */
const manifest = (slug: string, apiVersion: number, more: object = {}) => ({
  slug,
  name: slug,
  version: '1.0.0',
  apiVersion,
  actions: [{ name: 'which', label: 'Which' }],
  ...more,
});

let folders = 0;
/** The same manifest as a TypeScript plugin's folder and as a Node process plugin's. */
function writeBoth(apiVersion: number, more?: object) {
  folders += 1;
  const slug = `future-${folders}`;
  const typescript = join(root, 'plugins', slug);
  mkdirSync(typescript, { recursive: true });
  writeFileSync(
    join(typescript, 'index.ts'),
    `import { definePlugin } from 'plugboard/sdk';
export default definePlugin({ manifest: ${JSON.stringify(manifest(slug, apiVersion, more))}, actions: {} } as never);
`,
  );
  const external = join(root, 'plugins-external', slug);
  mkdirSync(external, { recursive: true });
  writeFileSync(join(external, 'plugboard.json'), JSON.stringify({ command: ['node', 'main.mjs'] }));
  writeFileSync(
    join(external, 'main.mjs'),
    `process.stdout.write(${JSON.stringify(JSON.stringify(manifest(slug, apiVersion, more)))});\n`,
  );
  return { slug, typescript, external };
}

describe('a plugin declaring an apiVersion this platform does not run', () => {
  it('is skipped in the same words whether it is a TypeScript or a process plugin', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 1_000_000 }), async (apiVersion) => {
        const { slug, typescript, external } = writeBoth(apiVersion);
        const reason = `apiVersion ${apiVersion} is not supported (this platform runs apiVersion 1)`;
        expect(await loadFolder(typescript)).toEqual({
          skipped: { dir: typescript, slug, reason },
          errors: [],
        });
        expect(await readProcessFolder(external)).toEqual({
          skipped: { dir: external, slug, reason },
          errors: [],
        });
      }),
      { numRuns: 4 },
    );
  }, 60_000);

  it("is skipped, not failed, when its manifest does not fit this platform's schema, for either kind", async () => {
    const { slug, typescript, external } = writeBoth(2, { actions: 'declared some other way', later: true });
    const reason = 'apiVersion 2 is not supported (this platform runs apiVersion 1)';
    expect(await loadFolder(typescript)).toEqual({ skipped: { dir: typescript, slug, reason }, errors: [] });
    expect(await readProcessFolder(external)).toEqual({
      skipped: { dir: external, slug, reason },
      errors: [],
    });
  }, 30_000);
});
