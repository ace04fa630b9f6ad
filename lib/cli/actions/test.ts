import { issueText, loadPlugins } from '../../core/loader';
import { NotFoundError } from '../../sdk/errors';
import { formatConformanceReport, loadFixtures, runConformance } from '../../testing/conformance';
import { EXIT_USER_ERROR } from '../exit-codes';
import { printJson } from '../output';

export async function test(
  slug: string | undefined,
  options: { plugins: string; json?: boolean },
): Promise<void> {
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
}
