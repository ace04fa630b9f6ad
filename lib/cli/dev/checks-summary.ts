import type { ConformanceReport } from '../../testing/conformance';

/** A conformance report in one line, and one more per failed check: what an author reads after a save. */
export function checksSummary(report: ConformanceReport): string {
  const failed = report.checks.filter((c) => !c.ok);
  const passed = `${report.checks.length - failed.length} of ${report.checks.length} passed`;
  return [
    `checks ${report.plugin}: ${failed.length === 0 ? passed : `${passed}, ${failed.length} FAILED`}`,
    ...failed.map((c) => `  FAIL ${c.name}${c.detail ? ` (${c.detail})` : ''}`),
  ].join('\n');
}
