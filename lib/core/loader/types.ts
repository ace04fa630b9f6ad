import type { PluginDefinition } from '../../sdk/define-plugin';
import type { Manifest } from '../../sdk/manifest';
import type { OptionalHandler } from '../ports';

export interface LoadedPlugin {
  slug: string;
  manifest: Manifest;
  /** The optional handlers its definition has. */
  handlers: OptionalHandler[];
  definition: PluginDefinition;
  /** Absolute path of the plugin's folder. */
  dir: string;
  /** Absolute path of the plugin's index.ts. */
  entry: string;
}

export interface SkippedPlugin {
  dir: string;
  slug?: string;
  reason: string;
}

export interface PluginLoadError {
  dir: string;
  slug?: string;
  message: string;
  /** Where in the definition the problem is, zod style: `options.0.default`, `configuration.getValues`. */
  path?: string;
}

/** Why a folder's plugin did not load, in the load report's terms. */
export interface RefusedFolder {
  loaded?: undefined;
  skipped?: SkippedPlugin;
  errors: PluginLoadError[];
}

export interface LoadReport {
  loaded: LoadedPlugin[];
  skipped: SkippedPlugin[];
  errors: PluginLoadError[];
}

export interface CheckIssue {
  message: string;
  path?: string;
}

export type CheckResult =
  | { ok: true; manifest: Manifest; handlers: OptionalHandler[] }
  | { ok: false; skipped?: string; errors: CheckIssue[] };
