import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NotFoundError } from '../../sdk/errors';
import { checkPlugin } from './check-plugin';
import type { LoadReport } from './types';

const ENTRY = 'index.ts';

/** Imports a plugin's entry file; the local platform compiles it first (see lib/local/plugin-module.ts). */
export type ImportModule = (entry: string) => Promise<Record<string, unknown>>;

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

/**
 * Imports every `<dir>/<folder>/index.ts` in sorted folder order and validates it. A broken plugin
 * lands in the report and never stops the others; of two plugins with one slug the first wins.
 */
export async function loadPlugins(dir: string, importModule = importByNode): Promise<LoadReport> {
  const root = resolve(dir);
  if (!existsSync(root)) throw new NotFoundError(`plugin directory "${dir}" does not exist`);
  const folders = (await readdir(root, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, ENTRY)))
    .map((d) => d.name)
    .sort();

  const report: LoadReport = { loaded: [], skipped: [], errors: [] };
  const owners = new Map<string, string>();
  for (const folder of folders) {
    const pluginDir = join(root, folder);
    const entry = join(pluginDir, ENTRY);
    const imported = await importDefault(entry, importModule);
    if (!imported.ok) {
      report.errors.push({ dir: pluginDir, message: imported.message });
      continue;
    }
    const slug = slugOf(imported.value);
    const named = slug === undefined ? {} : { slug };
    const checked = checkPlugin(imported.value);
    if (!checked.ok) {
      if (checked.skipped !== undefined)
        report.skipped.push({ dir: pluginDir, ...named, reason: checked.skipped });
      for (const issue of checked.errors) report.errors.push({ dir: pluginDir, ...named, ...issue });
      continue;
    }
    const owner = owners.get(checked.manifest.slug);
    if (owner !== undefined) {
      report.errors.push({
        dir: pluginDir,
        slug: checked.manifest.slug,
        path: 'slug',
        message: `duplicate slug "${checked.manifest.slug}": already loaded from folder "${owner}"`,
      });
      continue;
    }
    owners.set(checked.manifest.slug, folder);
    report.loaded.push({
      slug: checked.manifest.slug,
      manifest: checked.manifest,
      handlers: checked.handlers,
      definition: imported.value as LoadReport['loaded'][number]['definition'],
      dir: pluginDir,
      entry,
    });
  }
  return report;
}
