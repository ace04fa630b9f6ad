import type { Command } from 'commander';
import { formatLoadReport, type LoadReport, loadPlugins } from '../../core/loader';
import { EXIT_USER_ERROR } from '../exit-codes';
import { printJson } from '../output';

/** The report as JSON: the definitions (functions) stay out, the validated manifests go in. */
const toJson = (report: LoadReport) => ({
  loaded: report.loaded.map(({ slug, manifest, dir, entry }) => ({ slug, manifest, dir, entry })),
  skipped: report.skipped,
  errors: report.errors,
});

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('load every plugin in a directory and report what loaded, what was skipped and what failed')
    .argument('[dir]', 'directory holding one folder per plugin', 'plugins')
    .option('--json', 'print the report as JSON')
    .action(async (dir: string, options: { json?: boolean }) => {
      const report = await loadPlugins(dir);
      if (options.json) printJson(toJson(report));
      else console.log(formatLoadReport(report));
      if (report.errors.length > 0) process.exitCode = EXIT_USER_ERROR;
    });
}
