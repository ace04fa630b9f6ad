import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import {
  issueText,
  type LoadedPlugin,
  loadPlugins,
  type PluginLoadError,
  type SkippedPlugin,
} from '../../core/loader';
import { ENTRY, loadFolder } from '../../core/loader/load-plugins';
import { NotFoundError } from '../../sdk/errors';
import { formatConformanceReport, loadFixtures, runConformance } from '../../testing/conformance';
import { EXIT_USAGE, EXIT_USER_ERROR } from '../exit-codes';
import { printJson } from '../output';

interface TestOptions {
  plugins: string;
  plugin?: string;
  json?: boolean;
}

/** Why a plugin did not load, by slug or by folder alike: skipped, or every issue it has. */
function notLoaded(what: string, skipped: SkippedPlugin | undefined, errors: readonly PluginLoadError[]) {
  return new NotFoundError(
    skipped
      ? `${what} is skipped: ${skipped.reason}`
      : `${what} does not load: ${errors.map(issueText).join('; ')}`,
  );
}

/** The plugins a slug names (all of them without one), and whether any plugin of the folder failed to load. */
async function bySlug(slug: string | undefined, plugins: string) {
  const report = await loadPlugins(plugins);
  const chosen = slug === undefined ? report.loaded : report.loaded.filter((p) => p.slug === slug);
  if (chosen.length > 0) return { chosen, unloaded: slug === undefined && report.errors.length > 0 };
  if (slug === undefined) {
    const why = report.errors.map((e) => `${e.slug ?? basename(e.dir)}: ${issueText(e)}`);
    throw new NotFoundError(`no plugin loads from ${plugins}${why.length > 0 ? `: ${why.join('; ')}` : ''}`);
  }
  const skipped = report.skipped.find((s) => s.slug === slug);
  const errors = report.errors.filter((e) => e.slug === slug);
  if (skipped || errors.length > 0) throw notLoaded(`plugin "${slug}"`, skipped, errors);
  throw new NotFoundError(
    `no plugin "${slug}" in ${plugins}; loaded: ${report.loaded.map((p) => p.slug).join(', ') || 'none'}`,
  );
}

/**
 * The plugin of one folder, imported alone: its siblings are neither loaded nor compared with it,
 * so a slug another folder also has is `validate`'s to report.
 */
async function inFolder(dir: string): Promise<LoadedPlugin> {
  if (!existsSync(join(dir, ENTRY)))
    throw new NotFoundError(
      `"${dir}" is not a plugin's folder (with an ${ENTRY}); --plugins takes a folder of plugin folders`,
    );
  const found = await loadFolder(dir);
  if (found.loaded) return found.loaded;
  const named = found.skipped?.slug ?? found.errors[0]?.slug;
  throw notLoaded(
    named === undefined ? `the plugin in "${dir}"` : `plugin "${named}"`,
    found.skipped,
    found.errors,
  );
}

export async function test(slug: string | undefined, options: TestOptions, command: Command): Promise<void> {
  if (slug !== undefined && options.plugin !== undefined)
    command.error(`a slug and --plugin both name the plugin to test: give one`, {
      exitCode: EXIT_USAGE,
      code: 'commander.conflictingOption',
    });
  const { chosen, unloaded } =
    options.plugin === undefined
      ? await bySlug(slug, options.plugins)
      : { chosen: [await inFolder(options.plugin)], unloaded: false };
  const results = [];
  for (const plugin of chosen) {
    if (!options.json) console.error(`testing ${plugin.slug} ...`);
    results.push(await runConformance(plugin.definition, await loadFixtures(plugin.dir)));
  }
  const failed = results.filter((r) => !r.ok);
  if (options.json) printJson(results);
  else {
    console.log(results.map(formatConformanceReport).join('\n\n'));
    console.log(`\n${results.length - failed.length} of ${results.length} plugin(s) conform`);
  }
  if (failed.length > 0 || unloaded) process.exitCode = EXIT_USER_ERROR;
}
