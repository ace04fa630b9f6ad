#!/usr/bin/env node
// Runs one of the project's TypeScript entry points under plain node: `node bin/run.mjs <entry.ts> [args]`.
// esbuild compiles the entry and the project modules it reaches into one file under .plugboard/build,
// packages left to node_modules, and this process imports it. `npm start` runs the platform this way so
// the platform's process carries no TypeScript loader (tsx's loader thread alone is ~33 MB resident);
// plugins are compiled by the platform itself (lib/local/plugin-module.ts, lib/bundle/plugin-bundle.ts).
// A start whose sources are as the last build of the entry found them runs that build again.
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, transform, version } from 'esbuild';
import { recordBuild, reusableBuild } from '../lib/cli/reusable-build.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node bin/run.mjs <entry.ts> [arguments]');
  process.exit(2);
}
const root = fileURLToPath(new URL('../', import.meta.url));
const outDir = join(root, '.plugboard', 'build');

/**
 * A module that finds files beside itself (`new URL('./x.ts', import.meta.url)`) must still find them
 * from inside the bundle: each of the project's own modules gets its source file's URL instead.
 */
const sourceUrls = {
  name: 'source-urls',
  setup(plugin) {
    plugin.onLoad({ filter: /\.ts$/ }, async (file) => {
      const source = await readFile(file.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      // `define` rewrites the expression where the syntax has it, never inside a string.
      const { code } = await transform(source, {
        loader: 'ts',
        define: { 'import.meta.url': JSON.stringify(pathToFileURL(file.path).href) },
      });
      return { contents: code, loader: 'js' };
    });
  },
};

/**
 * What the build depends on besides the files it reads: the entry (its output's file name and every
 * absolute path in it follow from it), this file (the build's options and plugin) and esbuild's version.
 * The files esbuild reads without listing them as inputs are stamped with the inputs: tsconfig.json
 * (how TypeScript compiles) and package.json (`type`, `sideEffects`).
 */
const key = JSON.stringify({ entry: resolve(entry), esbuild: version });
const settings = [fileURLToPath(import.meta.url), join(root, 'tsconfig.json'), join(root, 'package.json')];
const recordFile = join(outDir, `${basename(entry, '.ts')}.inputs.json`);

/** Builds the entry, writes its file, records it for the next start and removes superseded builds. */
async function compile() {
  const startedAt = Date.now();
  const result = await build({
    entryPoints: [resolve(entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    // The platform's process keeps each module's map for its stack traces, which need only the
    // mappings: without the sources' text its heap holds ~3 MB less.
    sourcesContent: false,
    plugins: [sourceUrls],
    write: false,
    outdir: outDir,
    entryNames: `${basename(entry, '.ts')}.[hash]`,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'error',
  });
  // Written aside and renamed: two starts at once (tests do) must never import a half-written file.
  await mkdir(outDir, { recursive: true });
  const [output] = result.outputFiles;
  const staging = `${output.path}.${process.pid}.tmp`;
  await writeFile(staging, output.contents);
  await rename(staging, output.path);
  // Builds of the entry from before a change are not needed again (a running one has read its file),
  // once they are a minute old: a start of other code at this moment may not have imported its own yet.
  const prefix = `${basename(entry, '.ts')}.`;
  const settled = Date.now() - 60_000;
  for (const name of await readdir(outDir)) {
    const file = join(outDir, name);
    if (!name.startsWith(prefix) || !name.endsWith('.mjs') || file === output.path) continue;
    const modified = await stat(file).then(
      (found) => found.mtimeMs,
      () => Number.POSITIVE_INFINITY,
    );
    if (modified < settled) await rm(file, { force: true });
  }
  const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(input));
  await recordBuild(recordFile, { key, output: output.path, inputs: [...inputs, ...settings], startedAt });
  return output.path;
}

const output = (await reusableBuild(recordFile, key)) ?? (await compile());

process.setSourceMapsEnabled(true);
process.argv = [process.argv[0], output, ...args];
await import(pathToFileURL(output).href);
