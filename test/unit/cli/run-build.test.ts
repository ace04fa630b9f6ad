import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const dir = join(ROOT, 'test/.tmp', `run-build-${process.pid}`);
// The entry's name is the prefix of its builds in the project's build folder, so it is this run's own.
const name = `run-build-${process.pid}`;
const entry = join(dir, `${name}.ts`);
const value = join(dir, 'value.ts');
const buildDir = join(ROOT, '.plugboard/build');

/** A start reuses a build only of sources written over a second before it began (RACY_MS). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_100));

/** Runs the entry through bin/run.mjs: which build file ran, and what the edited module held. */
async function run(): Promise<{ output: string; value: string }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/run.mjs', entry], {
    cwd: ROOT,
    timeout: 30_000,
  });
  return JSON.parse(stdout);
}

const writeValue = (text: string) => writeFileSync(value, `export const value = ${JSON.stringify(text)};\n`);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const file of readdirSync(buildDir)) if (file.startsWith(`${name}.`)) rmSync(join(buildDir, file));
});

describe('bin/run.mjs', () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    entry,
    `import { value } from './value.ts';\nconsole.log(JSON.stringify({ output: process.argv[1], value }));\n`,
  );

  it('runs the last build again, unwritten, while no source changed', async () => {
    writeValue('first');
    await settle();
    const built = await run();
    const { ino } = statSync(built.output);
    const again = await run();
    expect(again).toEqual(built);
    // A build written again is renamed into place, a new inode.
    expect(statSync(again.output).ino).toBe(ino);
  }, 30_000);

  it('builds afresh when a source changed, even to the same length', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(fc.string({ minLength: 6, maxLength: 6 }), fc.string({ minLength: 6, maxLength: 6 })),
        async ([before, after]) => {
          fc.pre(before !== after && JSON.stringify(before).length === JSON.stringify(after).length);
          writeValue(before);
          await settle();
          expect((await run()).value).toBe(before);
          writeValue(after);
          expect((await run()).value).toBe(after);
        },
      ),
      { numRuns: 4 },
    );
  }, 60_000);
});
