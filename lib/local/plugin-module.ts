import { mkdir } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type OnResolveArgs, type OnResolveResult, type Plugin, type PluginBuild } from 'esbuild';
import { removeSupersededBuilds } from './superseded-builds';

/** Bare imports the build keeps in: the SDK, which a plugin reaches through the project's package name. */
const SDK_PACKAGE = /^plugboard(\/|$)/;

/** The platform's own modules, the SDK among them, which every plugin's module compiles in. */
const PLATFORM_SOURCE = fileURLToPath(new URL('../', import.meta.url));

/**
 * What the packages the platform's own modules import resolved to, by how and from where: the same
 * for the life of the process, whose thread has loaded those very packages. Every plugin's module
 * compiles the SDK in, so this spares each build esbuild's resolver for zod, the round trips that
 * made most of its time. A plugin's own imports are resolved afresh each build, as its folder may
 * gain packages while `plugboard dev` watches it.
 */
const platformPackages = new Map<string, OnResolveResult>();

/**
 * Packages stay outside the module, each imported by the file URL esbuild resolves it to from the
 * plugin's folder: the platform's thread has loaded zod and its other packages from the same files,
 * so Node hands the plugin those very modules instead of a copy each (a plugin's worker bundle
 * carries its own: importing the eight examples' bundles took 28 MB).
 */
const packagesByUrl: Plugin = {
  name: 'packages-by-url',
  setup(plugin) {
    plugin.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || SDK_PACKAGE.test(args.path) || args.pluginData === 'inner')
        return undefined;
      const key = `${args.kind}\0${args.resolveDir}\0${args.path}`;
      const known = platformPackages.get(key);
      if (known) return known;
      return packageByUrl(plugin, args).then((result) => {
        if (!result.errors && args.resolveDir.startsWith(PLATFORM_SOURCE)) platformPackages.set(key, result);
        return result;
      });
    });
  },
};

/** The file URL a package resolves to, or its resolution's errors. */
async function packageByUrl(plugin: PluginBuild, args: OnResolveArgs): Promise<OnResolveResult> {
  const found = await plugin.resolve(args.path, {
    kind: args.kind,
    resolveDir: args.resolveDir,
    importer: args.importer,
    pluginData: 'inner',
  });
  if (found.errors.length > 0) return { errors: found.errors };
  if (found.external) return { path: found.path, external: true };
  return { path: pathToFileURL(found.path).href, external: true };
}

/**
 * Imports a plugin's source on the platform's own thread to read its definition, with neither tsx
 * nor a bundle of its packages: the plugin's TypeScript and the SDK are compiled by the local
 * esbuild into one module under `outDir`, named by its content, since Node never re-imports a
 * module it has already loaded and a changed plugin must be read afresh. Once imported, the
 * plugin's older modules are removed: Node keeps what it loaded, and nothing reads them again.
 */
export async function importPluginModule(entry: string, outDir: string): Promise<Record<string, unknown>> {
  const folder = dirname(resolve(entry));
  const name = basename(folder);
  // Paths in build errors read from the plugins directory (`demo/index.ts:3:7`), as the report names folders.
  const workingDir = dirname(folder);
  await mkdir(outDir, { recursive: true });
  const result = await build({
    absWorkingDir: workingDir,
    entryPoints: [resolve(entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outdir: resolve(outDir),
    entryNames: `${name}.module.[hash]`,
    outExtension: { '.js': '.mjs' },
    sourcemap: 'inline',
    sourcesContent: false,
    plugins: [packagesByUrl],
    metafile: true,
    logLevel: 'silent',
  });
  const file = resolve(
    workingDir,
    Object.keys(result.metafile.outputs).find((path) => path.endsWith('.mjs'))!,
  );
  const module = await import(pathToFileURL(file).href);
  await removeSupersededBuilds({ dir: outDir, current: file, prefix: `${name}.module.` });
  return module;
}
