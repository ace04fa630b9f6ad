import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const dir = join(ROOT, 'test/.tmp', `run-build-${process.pid}`);
// The entry's name is the prefix of its builds in the project's build folder, so it is this run's own.
const name = `run-build-${process.pid}`;
const entry = join(dir, `${name}.ts`);
const value = join(dir, 'value.ts');
// An entry that imports a module dynamically, as the CLI imports a command's action.
const lazyName = `${name}-lazy`;
const lazyEntry = join(dir, `${lazyName}.ts`);
const late = join(dir, 'late.ts');
const buildDir = join(ROOT, '.plugboard/build');

/** A start reuses a build only of sources written over a second before it began (RACY_MS). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 1_100));

/** Runs the entry through bin/run.mjs: which build file ran, and what the edited module held. */
async function run(file = entry): Promise<{ output: string; value: string; url?: string }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/run.mjs', file], {
    cwd: ROOT,
    timeout: 30_000,
  });
  return JSON.parse(stdout);
}

const writeValue = (text: string, file = value) =>
  writeFileSync(file, `export const value = ${JSON.stringify(text)};\nexport const url = import.meta.url;\n`);

/** The files bin/run.mjs recorded as the lazy entry's last build: its entry file and its chunks. */
const lazyBuild = (): { output: string; chunks: string[] } =>
  JSON.parse(readFileSync(join(buildDir, `${lazyName}.inputs.json`), 'utf8'));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  for (const file of readdirSync(buildDir))
    if (file.startsWith(`${name}.`) || file.startsWith(`${lazyName}.`)) rmSync(join(buildDir, file));
});

describe('bin/run.mjs', () => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    entry,
    `import { value } from './value.ts';\nconsole.log(JSON.stringify({ output: process.argv[1], value }));\n`,
  );
  writeFileSync(
    lazyEntry,
    `const { value, url } = await import('./late.ts');\nconsole.log(JSON.stringify({ output: process.argv[1], value, url }));\n`,
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

  it('puts what an entry imports dynamically in a chunk, which still finds files beside its source', async () => {
    writeValue('lazy', late);
    await settle();
    const built = await run(lazyEntry);
    expect(built).toMatchObject({ value: 'lazy', url: pathToFileURL(late).href });
    const { output, chunks } = lazyBuild();
    expect(output).toBe(built.output);
    expect(readFileSync(output, 'utf8')).not.toContain('"lazy"');
    expect(chunks.filter((chunk) => readFileSync(chunk, 'utf8').includes('"lazy"'))).toHaveLength(1);
  }, 30_000);

  it('builds afresh when a chunk of the last build is gone, or a source only a chunk holds changed', async () => {
    writeValue('before', late);
    await settle();
    const before = await run(lazyEntry);
    rmSync(lazyBuild().chunks[0]!);
    expect(await run(lazyEntry)).toEqual(before);
    // Only the chunk's content changed: the entry's name, its hash, changes with it.
    writeValue('after', late);
    const after = await run(lazyEntry);
    expect(after.value).toBe('after');
    expect(after.output).not.toBe(before.output);
  }, 30_000);

  it("removes a superseded build's entry and chunks once they are a minute old, and keeps the current one's", async () => {
    writeValue('old', late);
    await settle();
    await run(lazyEntry);
    const old = lazyBuild();
    const longAgo = new Date(Date.now() - 120_000);
    for (const file of [old.output, ...old.chunks]) utimesSync(file, longAgo, longAgo);
    writeValue('new', late);
    // Settled, so that this build is recorded, not only run.
    await settle();
    expect((await run(lazyEntry)).value).toBe('new');
    const current = lazyBuild();
    const kept = new Set([current.output, ...current.chunks]);
    for (const file of [old.output, ...old.chunks]) expect(existsSync(file)).toBe(kept.has(file));
    for (const file of kept) expect(existsSync(file)).toBe(true);
  }, 30_000);
});
