import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NotFoundError } from '../../sdk/errors';
import { checkPlugin } from './check-plugin';
import type { LoadedPlugin, LoadReport, PluginLoadError, RefusedFolder } from './types';

/** The file that makes a folder a plugin's. */
export const ENTRY = 'index.ts';

/** Imports a plugin's entry file; the local platform compiles it first (see lib/local/plugin-module.ts). */
export type ImportModule = (entry: string) => Promise<Record<string, unknown>>;

/**
 * `ImportModule` for the given entries, told them all before the first import, so that they can be
 * compiled together (see lib/local/plugin-module.ts).
 */
export type ImportModules = (entries: readonly string[]) => ImportModule;

const importByNode: ImportModule = (entry) => import(pathToFileURL(entry).href);

async function importDefault(
  entry: string,
  importModule: ImportModule,
): Promise<{ ok: true; value: unknown } | { ok: false; message: string }> {
  let module: Record<string, unknown>;
  try {
    module = await importModule(entry);
  } catch (error) {
    return { ok: false, message: `import failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (!('default' in module) || module.default === undefined) {
    return {
      ok: false,
      message: 'the module has no default export; add `export default definePlugin({ ... })`',
    };
  }
  return { ok: true, value: module.default };
}

/** Reads the slug from a definition that may be malformed, to name it in the report. */
function slugOf(value: unknown): string | undefined {
  const slug = (value as { manifest?: { slug?: unknown } } | null)?.manifest?.slug;
  return typeof slug === 'string' ? slug : undefined;
}

/** A folder's plugin, or why it did not load: the loader's view of one folder. */
export type FolderReport = { loaded: LoadedPlugin } | RefusedFolder;

/** Imports and validates the plugin of one folder (`<pluginDir>/index.ts`). */
export async function loadFolder(pluginDir: string, importModule = importByNode): Promise<FolderReport> {
  const entry = join(pluginDir, ENTRY);
  const imported = await importDefault(entry, importModule);
  if (!imported.ok) return { errors: [{ dir: pluginDir, message: imported.message }] };
  const slug = slugOf(imported.value);
  const named = slug === undefined ? {} : { slug };
  const checked = checkPlugin(imported.value);
  if (!checked.ok) {
    return {
      ...(checked.skipped === undefined
        ? {}
        : { skipped: { dir: pluginDir, ...named, reason: checked.skipped } }),
      errors: checked.errors.map((issue) => ({ dir: pluginDir, ...named, ...issue })),
    };
  }
  return {
    loaded: {
      slug: checked.manifest.slug,
      manifest: checked.manifest,
      handlers: checked.handlers,
      definition: imported.value as LoadedPlugin['definition'],
      dir: pluginDir,
      entry,
    },
  };
}

/** The error of a folder whose slug another folder already has: the first keeps it. */
export function duplicateSlug(pluginDir: string, slug: string, ownerDir: string): PluginLoadError {
  return {
    dir: pluginDir,
    slug,
    path: 'slug',
    message: `duplicate slug "${slug}": already loaded from folder "${basename(ownerDir)}"`,
  };
}

/**
 * The order folders are loaded in, by name: of two folders with one slug, the one first in it
 * gets the slug, at start and when the folder that had it lets it go.
 */
export const loadOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Imports every `<dir>/<folder>/index.ts` in sorted folder order and validates it. A broken plugin
 * lands in the report and never stops the others; of two plugins with one slug the first wins.
 */
export async function loadPlugins(
  dir: string,
  importModules: ImportModules = () => importByNode,
): Promise<LoadReport> {
  const root = resolve(dir);
  if (!existsSync(root)) throw new NotFoundError(`plugin directory "${dir}" does not exist`);
  const folders = (await readdir(root, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, ENTRY)))
    .map((d) => d.name)
    .sort(loadOrder);

  const importModule = importModules(folders.map((folder) => join(root, folder, ENTRY)));
  const report: LoadReport = { loaded: [], skipped: [], errors: [] };
  const owners = new Map<string, string>();
  for (const folder of folders) {
    const pluginDir = join(root, folder);
    const found = await loadFolder(pluginDir, importModule);
    if (!found.loaded) {
      if (found.skipped) report.skipped.push(found.skipped);
      report.errors.push(...found.errors);
      continue;
    }
    const { slug } = found.loaded;
    const owner = owners.get(slug);
    if (owner !== undefined) {
      report.errors.push(duplicateSlug(pluginDir, slug, owner));
      continue;
    }
    owners.set(slug, pluginDir);
    report.loaded.push(found.loaded);
  }
  return report;
}
