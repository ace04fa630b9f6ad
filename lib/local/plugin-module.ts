import { mkdir } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type OnResolveArgs, type OnResolveResult, type Plugin, type PluginBuild } from 'esbuild';
import { entryOutputs } from '../bundle/entry-outputs';
import type { ImportModules } from '../core/loader';
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

/** A plugin's module as built: its file, or the error a build of that plugin alone failed with. */
export type BuiltModule = { file: string } | { error: Error };

export interface BuiltModules {
  /** By entry, as an absolute path. */
  readonly modules: ReadonlyMap<string, BuiltModule>;
  /** How many esbuild builds it took: one per plugins directory, unless one of them failed. */
  readonly builds: number;
  readonly ms: number;
}

/**
 * Compiles plugins' TypeScript and the SDK into one module each under `outDir` (see
 * `importPluginModules`), those of one plugins directory in one esbuild build: each module is the
 * very file a build of its plugin alone writes (without code splitting an entry point's output is
 * self-contained), but the SDK is read and parsed once for all of them.
 *
 * A build with an error writes nothing, and its message counts and quotes every plugin's errors;
 * so when one fails, each of its plugins is built again alone, and a broken plugin's error is what
 * a build of it alone says while the others still load. Its errors are not handed out by the file
 * they name instead: a file two plugins import is either's, and a failed build reports no imports.
 */
export async function buildPluginModules(entries: readonly string[], outDir: string): Promise<BuiltModules> {
  const started = performance.now();
  const built = new Map<string, BuiltModule>();
  let builds = 0;
  const put = (entry: string, files: Map<string, string> | Error) =>
    built.set(entry, files instanceof Error ? { error: files } : { file: files.get(entry)! });
  await mkdir(outDir, { recursive: true });
  const given = [...new Set(entries.map((entry) => resolve(entry)))];
  await Promise.all(
    [...byPluginsDir(given)].map(async ([pluginsDir, group]) => {
      builds += 1;
      const together = await buildModules(pluginsDir, group, outDir);
      if (!(together instanceof Error) || group.length === 1) {
        for (const entry of group) put(entry, together);
        return;
      }
      builds += group.length;
      await Promise.all(
        group.map(async (entry) => put(entry, await buildModules(pluginsDir, [entry], outDir))),
      );
    }),
  );
  // In the order given, whichever build finished first.
  const modules = new Map(given.map((entry) => [entry, built.get(entry)!]));
  return { modules, builds, ms: performance.now() - started };
}

/** Entries by the plugins directory their folder is in: a build's paths read from there. */
function byPluginsDir(entries: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const entry of entries) {
    const pluginsDir = dirname(dirname(entry));
    groups.set(pluginsDir, [...(groups.get(pluginsDir) ?? []), entry]);
  }
  return groups;
}

/** One esbuild build of the entries' modules, their files by entry; or its error. */
async function buildModules(
  pluginsDir: string,
  entries: readonly string[],
  outDir: string,
): Promise<Map<string, string> | Error> {
  const byFolder = new Map(entries.map((entry) => [basename(dirname(entry)), entry]));
  try {
    const result = await build({
      // Paths in build errors read from the plugins directory (`demo/index.ts:3:7`), as the report names folders.
      absWorkingDir: pluginsDir,
      entryPoints: [...byFolder].map(([folder, entry]) => ({ in: entry, out: folder })),
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outdir: resolve(outDir),
      // [hash] names each build apart: Node never re-imports a module it has loaded, and a changed plugin must be read afresh.
      entryNames: '[name].module.[hash]',
      outExtension: { '.js': '.mjs' },
      sourcemap: 'inline',
      sourcesContent: false,
      plugins: [packagesByUrl],
      metafile: true,
      logLevel: 'silent',
    });
    const files = new Map<string, string>();
    for (const [folder, { file }] of entryOutputs(result.metafile, pluginsDir, '.module')) {
      const entry = byFolder.get(folder);
      if (entry !== undefined) files.set(entry, file);
    }
    return files;
  } catch (error) {
    return error as Error;
  }
}

/**
 * Imports plugins' sources on the platform's own thread to read their definitions, with neither
 * tsx nor a bundle of their packages: their modules are built together when the loader names its
 * entries (see `buildPluginModules`), then each imported as the loader asks for it, `onBuilt` told
 * of the build. Once a module is imported, its plugin's older modules are removed: Node keeps what
 * it loaded, and nothing reads them again.
 */
export function importPluginModules(outDir: string, onBuilt?: (built: BuiltModules) => void): ImportModules {
  return (entries) => {
    const building = buildPluginModules(entries, outDir).then((built) => {
      onBuilt?.(built);
      return built;
    });
    // Its failure is each import's to report; with no entries, none comes to.
    building.catch(() => undefined);
    return async (entry) => {
      const built = (await building).modules.get(resolve(entry))!;
      if ('error' in built) throw built.error;
      const module = await import(pathToFileURL(built.file).href);
      const prefix = `${basename(dirname(resolve(entry)))}.module.`;
      await removeSupersededBuilds({ dir: outDir, current: built.file, prefix });
      return module;
    };
  };
}

/** Imports one plugin's source as `importPluginModules` does, built alone. */
export function importPluginModule(entry: string, outDir: string): Promise<Record<string, unknown>> {
  return importPluginModules(outDir)([entry])(entry);
}
