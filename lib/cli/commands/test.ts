import type { Command } from 'commander';
import { issueText, loadPlugins } from '../../core/loader';
import { DEFAULT_PLUGINS_DIR } from '../../local/defaults';
import { NotFoundError } from '../../sdk/errors';
import { formatConformanceReport, loadFixtures, runConformance } from '../../testing/conformance';
import { EXIT_USER_ERROR } from '../exit-codes';
import { printJson } from '../output';

export function registerTestCommand(program: Command): void {
  program
    .command('test')
    .description(
      "run the conformance kit over one plugin or all of them: each is checked against its type's contract",
    )
    .argument('[slug]', 'the plugin to test (default: every plugin that loads)')
    .option('--plugins <dir>', 'folder holding one folder per plugin', DEFAULT_PLUGINS_DIR)
    .option('--json', 'print the reports as JSON')
    .action(async (slug: string | undefined, options: { plugins: string; json?: boolean }) => {
      const report = await loadPlugins(options.plugins);
      const chosen = slug === undefined ? report.loaded : report.loaded.filter((p) => p.slug === slug);
      if (chosen.length === 0) {
        const broken = report.errors.find((e) => e.slug === slug);
        throw new NotFoundError(
          broken
            ? `plugin "${slug}" does not load: ${issueText(broken)}`
            : `no plugin "${slug}" in ${options.plugins}; loaded: ${report.loaded.map((p) => p.slug).join(', ') || 'none'}`,
        );
      }
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
      if (failed.length > 0 || (slug === undefined && report.errors.length > 0))
        process.exitCode = EXIT_USER_ERROR;
    });
}
