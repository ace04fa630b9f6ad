#!/usr/bin/env node
// Runs one of the project's TypeScript entry points under plain node: `node bin/run.mjs <entry.ts> [args]`.
// esbuild compiles the entry and the project modules it reaches under .plugboard/build, packages left to
// node_modules, and this process imports it. `npm start` runs the platform this way so the platform's
// process carries no TypeScript loader (tsx's loader thread alone is ~33 MB resident); plugins are
// compiled by the platform itself (lib/local/plugin-module.ts, lib/bundle/plugin-bundle.ts).
// A start whose sources are as the last build of the entry found them runs that build again.
import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { recordBuild, reusableBuild, writeWhole } from '../lib/cli/reusable-build.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node bin/run.mjs <entry.ts> [arguments]');
  process.exit(2);
}
const root = fileURLToPath(new URL('../', import.meta.url));
const outDir = join(root, '.plugboard', 'build');

/**
 * A module that finds files beside itself (`new URL('./x.ts', import.meta.url)`) must still find them
 * from inside the build: each of the project's own modules gets its source file's URL instead.
 */
const sourceUrls = {
  name: 'source-urls',
  setup(plugin) {
    plugin.onLoad({ filter: /\.ts$/ }, async (file) => {
      const source = await readFile(file.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      // `define` rewrites the expression where the syntax has it, never inside a string.
      const { code } = await plugin.esbuild.transform(source, {
        loader: 'ts',
        define: { 'import.meta.url': JSON.stringify(pathToFileURL(file.path).href) },
      });
      return { contents: code, loader: 'js' };
    });
  },
};

// Read from its package.json: esbuild's module itself (~50 ms to import on an idle machine) is
// imported only to build, not by a start that runs the last build again.
const { version } = createRequire(import.meta.url)('esbuild/package.json');

/**
 * What the build depends on besides the files it reads: the entry (its output's file name and every
 * absolute path in it follow from it), this file (the build's options and plugin) and esbuild's version.
 * The files esbuild reads without listing them as inputs are stamped with the inputs: tsconfig.json
 * (how TypeScript compiles) and package.json (`type`, `sideEffects`).
 */
const key = JSON.stringify({ entry: resolve(entry), esbuild: version });
const settings = [fileURLToPath(import.meta.url), join(root, 'tsconfig.json'), join(root, 'package.json')];
const name = basename(entry, '.ts');
const recordFile = join(outDir, `${name}.inputs.json`);

/**
 * Builds the entry, writes its files, records them for the next start and removes superseded builds.
 * What a dynamic `import()` of a project module reaches is a chunk of its own (a command's action,
 * lib/cli/lazy-action.ts), which the process parses only if it runs that code: one file would hold
 * every command's code, and the static imports of every package any of it uses.
 */
async function compile() {
  const startedAt = Date.now();
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [resolve(entry)],
    bundle: true,
    splitting: true,
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
    // Every file of the build is named after its entry, for the clean-up below; a chunk's name is
    // its content's hash, and the entry's hash covers its chunks'.
    entryNames: `${name}.[hash]`,
    chunkNames: `${name}.chunk.[hash]`,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'error',
  });
  await mkdir(outDir, { recursive: true });
  const chunkPrefix = `${name}.chunk.`;
  const chunks = result.outputFiles.filter((file) => basename(file.path).startsWith(chunkPrefix));
  const [output] = result.outputFiles.filter((file) => !chunks.includes(file));
  // The chunks first: an entry that can be read finds every chunk it imports.
  for (const chunk of chunks) await writeWhole(chunk.path, chunk.contents);
  await writeWhole(output.path, output.contents);
  // Builds of the entry from before a change are not needed again once they are a minute old: a
  // start of other code at this moment may not have imported its own yet, and a running one has
  // imported all it will (its lazy imports are its command's action, imported as it starts).
  const written = new Set(result.outputFiles.map((file) => file.path));
  const settled = Date.now() - 60_000;
  for (const found of await readdir(outDir)) {
    const file = join(outDir, found);
    if (!found.startsWith(`${name}.`) || !found.endsWith('.mjs') || written.has(file)) continue;
    const modified = await stat(file).then(
      (stats) => stats.mtimeMs,
      () => Number.POSITIVE_INFINITY,
    );
    if (modified < settled) await rm(file, { force: true });
  }
  const inputs = Object.keys(result.metafile.inputs).map((input) => resolve(input));
  await recordBuild(recordFile, {
    key,
    output: output.path,
    chunks: chunks.map((chunk) => chunk.path),
    inputs: [...inputs, ...settings],
    startedAt,
  });
  return output.path;
}

const output = (await reusableBuild(recordFile, key)) ?? (await compile());

process.setSourceMapsEnabled(true);
process.argv = [process.argv[0], output, ...args];
await import(pathToFileURL(output).href);
