import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import { unsupportedApiVersion } from '../../core/loader/api-version';
import { duplicateSlug, loadOrder } from '../../core/loader/load-plugins';
import type { PluginLoadError, RefusedFolder, SkippedPlugin } from '../../core/loader/types';
import type { Registry } from '../../core/ports';
import { type Manifest, ManifestSchema } from '../../sdk/manifest';
import type { PluginFolderKind } from '../plugin-reload';
import type { ProcessInvoker } from './process-invoker';

/** The file that makes a folder a process plugin. */
export const PROCESS_PLUGIN_FILE = 'plugboard.json';

/** How long `<command> --manifest` may take. */
const MANIFEST_TIMEOUT_MS = 10_000;

const ProcessPluginFileSchema = z.strictObject({
  /** The program and its arguments, run in the plugin's folder: `["python3", "main.py"]`. */
  command: z.array(z.string().min(1)).min(1),
});

export interface ProcessPluginSpec {
  slug: string;
  manifest: Manifest;
  /** Absolute path of the plugin's folder; the command runs there. */
  dir: string;
  command: string[];
}

export interface ProcessLoadReport {
  loaded: ProcessPluginSpec[];
  skipped: SkippedPlugin[];
  errors: PluginLoadError[];
}

/** A process plugin's folder read: its plugin, or why it is refused (as `loadFolder` reports a TypeScript one's). */
export type ProcessFolderReport = { loaded: ProcessPluginSpec } | RefusedFolder;

/**
 * Finds every `<dir>/<folder>/plugboard.json` and reads it (see `readProcessFolder`), in folder
 * order. Needs nothing of the platform: a start runs it while it builds the TypeScript plugins, and
 * checks the answers against their slugs after.
 */
export async function readProcessPlugins(dir: string): Promise<ProcessFolderReport[]> {
  const root = resolve(dir);
  if (!existsSync(root)) return [];
  const folders = (await readdir(root, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, PROCESS_PLUGIN_FILE)))
    .map((d) => d.name)
    .sort(loadOrder);
  const read: ProcessFolderReport[] = [];
  for (const folder of folders) read.push(await readProcessFolder(join(root, folder)));
  return read;
}

/**
 * Asks the folder's command for its manifest (`--manifest`, one JSON object on stdout) and
 * validates it as a TypeScript plugin's is: one for another apiVersion is skipped, before the
 * schema (see `unsupportedApiVersion`), and the others are checked with the same schema.
 */
export async function readProcessFolder(dir: string): Promise<ProcessFolderReport> {
  const read = await loadOne(dir);
  if ('skipped' in read) return { skipped: { dir, ...read.skipped }, errors: [] };
  if ('message' in read) return { errors: [{ dir, ...read }] };
  const { manifest, command } = read;
  return { loaded: { slug: manifest.slug, manifest, dir, command } };
}

/**
 * The plugins read, less those whose slug is in `taken` (slug to the folder that has it) or an
 * earlier folder's. Like the loader, a broken plugin lands in the report and never stops the others.
 */
export function admitProcessPlugins(
  read: readonly ProcessFolderReport[],
  taken: ReadonlyMap<string, string> = new Map(),
): ProcessLoadReport {
  const report: ProcessLoadReport = { loaded: [], skipped: [], errors: [] };
  const owners = new Map(taken);
  for (const found of read) {
    if (!found.loaded) {
      if (found.skipped) report.skipped.push(found.skipped);
      report.errors.push(...found.errors);
      continue;
    }
    const { slug, dir } = found.loaded;
    const owner = owners.get(slug);
    if (owner !== undefined) {
      report.errors.push(duplicateSlug(dir, slug, owner));
      continue;
    }
    owners.set(slug, dir);
    report.loaded.push(found.loaded);
  }
  return report;
}

/**
 * The process plugins' folders, for watching: a changed one is read again and, when it loads, its
 * process is replaced; calls under way on the old one get their answers first.
 */
export function processFolders(root: string, invoker: ProcessInvoker): PluginFolderKind {
  return {
    root,
    entryFile: PROCESS_PLUGIN_FILE,
    read: async (dir) => {
      const found = await readProcessFolder(dir);
      if (!found.loaded) return found;
      const spec = found.loaded;
      return {
        loaded: { slug: spec.slug, manifest: spec.manifest, start: async () => invoker.register(spec) },
      };
    },
    unload: (slug) => invoker.unregister(slug),
  };
}

async function loadOne(
  dir: string,
): Promise<
  | { manifest: Manifest; command: string[] }
  | { message: string; path?: string }
  | { skipped: Omit<SkippedPlugin, 'dir'> }
> {
  let file: z.infer<typeof ProcessPluginFileSchema>;
  try {
    const parsed = ProcessPluginFileSchema.safeParse(
      JSON.parse(await readFile(join(dir, PROCESS_PLUGIN_FILE), 'utf8')),
    );
    if (!parsed.success)
      return { message: `${PROCESS_PLUGIN_FILE}: ${parsed.error.issues[0]?.message}`, path: 'command' };
    file = parsed.data;
  } catch {
    return { message: `${PROCESS_PLUGIN_FILE} is not JSON` };
  }
  const [program, ...args] = file.command as [string, ...string[]];
  let stdout: string;
  try {
    stdout = await new Promise<string>((ok, fail) =>
      execFile(program, [...args, '--manifest'], { cwd: dir, timeout: MANIFEST_TIMEOUT_MS }, (error, out) =>
        error ? fail(error) : ok(out),
      ),
    );
  } catch (error) {
    const missing = (error as { code?: unknown }).code === 'ENOENT';
    return {
      message: missing
        ? `command "${program}" was not found`
        : `"${file.command.join(' ')} --manifest" failed`,
    };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(stdout);
  } catch {
    return { message: '--manifest did not print one JSON object' };
  }
  const skipped = unsupportedApiVersion(raw);
  if (skipped !== undefined) {
    const slug = (raw as { slug?: unknown }).slug;
    return { skipped: { ...(typeof slug === 'string' ? { slug } : {}), reason: skipped } };
  }
  const manifest = ManifestSchema.safeParse(raw);
  if (!manifest.success) {
    const issue = manifest.error.issues[0];
    return { message: `the manifest is not valid: ${issue?.message}`, path: issue?.path.join('.') };
  }
  return { manifest: manifest.data, command: file.command };
}

/** Admits the process plugins read, hands them to the invoker and records their manifests. */
export async function serveProcessPlugins(
  read: readonly ProcessFolderReport[],
  props: { registry: Registry; invoker: ProcessInvoker; taken: ReadonlyMap<string, string> },
): Promise<ProcessLoadReport> {
  const report = admitProcessPlugins(read, props.taken);
  const now = new Date().toISOString();
  for (const spec of report.loaded) {
    props.invoker.register(spec);
    await props.registry.putPlugin({
      slug: spec.slug,
      manifest: spec.manifest,
      status: 'loaded',
      updatedAt: now,
    });
  }
  return report;
}
