import { formatLoadReport, type LoadReport, loadPlugins } from '../../core/loader';
import { EXIT_USER_ERROR } from '../exit-codes';
import { printJson } from '../output';

/** The report as JSON: the definitions (functions) stay out, the validated manifests go in. */
const toJson = (report: LoadReport) => ({
  loaded: report.loaded.map(({ slug, manifest, dir, entry }) => ({ slug, manifest, dir, entry })),
  skipped: report.skipped,
  errors: report.errors,
});

export async function validate(dir: string, options: { json?: boolean }): Promise<void> {
  const report = await loadPlugins(dir);
  if (options.json) printJson(toJson(report));
  else console.log(formatLoadReport(report));
  if (report.errors.length > 0) process.exitCode = EXIT_USER_ERROR;
}
