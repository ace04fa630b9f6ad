import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { issueText, type LoadedPlugin, loadPlugins } from '../../core/loader';
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

/** The plugins a slug names (all of them without one), and whether any plugin of the folder failed to load. */
async function bySlug(slug: string | undefined, plugins: string) {
  const report = await loadPlugins(plugins);
  const chosen = slug === undefined ? report.loaded : report.loaded.filter((p) => p.slug === slug);
  if (chosen.length === 0) {
    const broken = report.errors.find((e) => e.slug === slug);
    throw new NotFoundError(
      broken
        ? `plugin "${slug}" does not load: ${issueText(broken)}`
        : `no plugin "${slug}" in ${plugins}; loaded: ${report.loaded.map((p) => p.slug).join(', ') || 'none'}`,
    );
  }
  return { chosen, unloaded: slug === undefined && report.errors.length > 0 };
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
  const what = named === undefined ? `the plugin in "${dir}"` : `plugin "${named}"`;
  throw new NotFoundError(
    found.skipped
      ? `${what} is skipped: ${found.skipped.reason}`
      : `${what} does not load: ${found.errors.map(issueText).join('; ')}`,
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
