import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import * as z from 'zod';
import type { PluginLoadError, SkippedPlugin } from '../../core/loader/types';
import type { Registry } from '../../core/ports';
import { type Manifest, ManifestSchema, SUPPORTED_API_VERSION } from '../../sdk/manifest';
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

/** A process plugin's folder and what its command's `--manifest` said, or why it said nothing usable. */
export type ProcessPluginRead = { dir: string } & Awaited<ReturnType<typeof loadOne>>;

/**
 * Finds every `<dir>/<folder>/plugboard.json` and asks its command for the manifest (`--manifest`,
 * one JSON object on stdout), in folder order. Needs nothing of the platform: a start runs it
 * while it builds the TypeScript plugins, and checks the answers against their slugs after.
 */
export async function readProcessPlugins(dir: string): Promise<ProcessPluginRead[]> {
  const root = resolve(dir);
  if (!existsSync(root)) return [];
  const folders = (await readdir(root, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && existsSync(join(root, d.name, PROCESS_PLUGIN_FILE)))
    .map((d) => d.name)
    .sort();
  const read: ProcessPluginRead[] = [];
  for (const folder of folders) {
    const pluginDir = join(root, folder);
    read.push({ dir: pluginDir, ...(await loadOne(pluginDir)) });
  }
  return read;
}

/**
 * Validates what the commands said with the same schema as a TypeScript plugin's manifest; a slug
 * in `taken` or an earlier folder's is refused. Like the loader, a broken plugin lands in the
 * report and never stops the others.
 */
export function admitProcessPlugins(
  read: readonly ProcessPluginRead[],
  taken: ReadonlySet<string> = new Set(),
): ProcessLoadReport {
  const report: ProcessLoadReport = { loaded: [], skipped: [], errors: [] };
  const owners = new Set(taken);
  for (const { dir: pluginDir, ...loaded } of read) {
    if ('message' in loaded) {
      report.errors.push({ dir: pluginDir, ...loaded });
      continue;
    }
    const { manifest } = loaded;
    if (manifest.apiVersion !== SUPPORTED_API_VERSION) {
      report.skipped.push({
        dir: pluginDir,
        slug: manifest.slug,
        reason: `apiVersion ${manifest.apiVersion} is not supported (this platform runs ${SUPPORTED_API_VERSION})`,
      });
      continue;
    }
    if (owners.has(manifest.slug)) {
      report.errors.push({
        dir: pluginDir,
        slug: manifest.slug,
        path: 'slug',
        message: `duplicate slug "${manifest.slug}": another plugin already has it`,
      });
      continue;
    }
    owners.add(manifest.slug);
    report.loaded.push({ slug: manifest.slug, manifest, dir: pluginDir, command: loaded.command });
  }
  return report;
}

async function loadOne(
  dir: string,
): Promise<{ manifest: Manifest; command: string[] } | { message: string; path?: string }> {
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
  const manifest = ManifestSchema.safeParse(raw);
  if (!manifest.success) {
    const issue = manifest.error.issues[0];
    return { message: `the manifest is not valid: ${issue?.message}`, path: issue?.path.join('.') };
  }
  return { manifest: manifest.data, command: file.command };
}

/** Admits the process plugins read, hands them to the invoker and records their manifests. */
export async function serveProcessPlugins(
  read: readonly ProcessPluginRead[],
  props: { registry: Registry; invoker: ProcessInvoker; taken: ReadonlySet<string> },
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
