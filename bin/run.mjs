#!/usr/bin/env node
// Runs one of the project's TypeScript entry points under plain node: `node bin/run.mjs <entry.ts> [args]`.
// esbuild compiles the entry and the project modules it reaches into one file under .plugboard/build,
// packages left to node_modules, and this process imports it. `npm start` runs the platform this way so
// the platform's process carries no TypeScript loader (tsx's loader thread alone is ~33 MB resident);
// plugins are compiled by the platform itself (lib/local/plugin-module.ts, lib/bundle/plugin-bundle.ts).
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, transform } from 'esbuild';

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

process.setSourceMapsEnabled(true);
process.argv = [process.argv[0], output.path, ...args];
await import(pathToFileURL(output.path).href);
