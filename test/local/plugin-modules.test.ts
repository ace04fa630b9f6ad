import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { type BuiltModule, buildPluginModules } from '../../lib/local/plugin-module';

const ROOT = join(import.meta.dirname, '../..');
const EXAMPLES = [
  'allow-list',
  'audit-log',
  'change-window',
  'echo',
  'file-logs',
  'hmac-signer',
  'incrementer',
  'kv-config',
];
/** Plugins whose build fails: a syntax error, and an import of a file that is not there. */
const BROKEN = {
  'broken-syntax': 'export default {;\n',
  'broken-import': "import { gone } from './gone';\nexport default gone;\n",
};

// Inside the repository, so the plugins resolve `plugboard/sdk` like real ones.
const plugins = join(ROOT, 'test/.tmp', `plugin-modules-${process.pid}`);
for (const folder of EXAMPLES)
  cpSync(join(ROOT, 'plugins', folder), join(plugins, folder), { recursive: true });
for (const [folder, source] of Object.entries(BROKEN)) {
  mkdirSync(join(plugins, folder), { recursive: true });
  writeFileSync(join(plugins, folder, 'index.ts'), source);
}
const dirs = [plugins];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const entryOf = (folder: string) => join(plugins, folder, 'index.ts');
/** What a module's build left: its file's name and content, or the error's message. */
const outcome = (built: BuiltModule) =>
  'file' in built
    ? { file: built.file, text: readFileSync(built.file, 'utf8') }
    : { error: built.error.message };

describe('plugin modules built together', () => {
  it('are each what a build of the plugin alone gives: the same file, or the same error, and one build when none fails', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.subarray([...EXAMPLES, ...Object.keys(BROKEN)], { minLength: 1 }),
        async (folders) => {
          const outDir = mkdtempSync(join(tmpdir(), 'plugboard-modules-'));
          dirs.push(outDir);
          const together = await buildPluginModules(folders.map(entryOf), outDir);
          const broken = folders.filter((folder) => folder in BROKEN);
          const alone = folders.length === 1 || broken.length === 0 ? 1 : 1 + folders.length;
          expect(together.builds).toBe(alone);
          const outcomes = new Map(
            folders.map((folder) => [folder, outcome(together.modules.get(entryOf(folder))!)]),
          );
          expect(
            folders.filter((folder) => 'error' in outcomes.get(folder)!),
            'the plugins whose module did not build',
          ).toEqual(broken);
          for (const folder of folders) {
            // Into the same folder: a module's source map names its sources from there.
            const single = await buildPluginModules([entryOf(folder)], outDir);
            expect(single.builds).toBe(1);
            expect(outcome(single.modules.get(entryOf(folder))!)).toEqual(outcomes.get(folder));
          }
        },
      ),
      { numRuns: 10 },
    );
    // Each run builds up to twenty-one times, on a machine that may be busy.
  }, 120_000);
});
