import type { ConformanceReport } from '../../testing/conformance';

/**
 * A conformance report in one line, and one more per failed or skipped check: what an author reads
 * after a save. A skipped check is not counted as passed: a handler it would have called never ran.
 */
export function checksSummary(report: ConformanceReport): string {
  const failed = report.checks.filter((c) => !c.ok);
  const skipped = report.checks.filter((c) => c.skipped);
  const passed = `${report.checks.length - failed.length - skipped.length} of ${report.checks.length} passed`;
  const counts = [
    passed,
    ...(skipped.length > 0 ? [`${skipped.length} skipped`] : []),
    ...(failed.length > 0 ? [`${failed.length} FAILED`] : []),
  ];
  const line = (mark: string) => (c: ConformanceReport['checks'][number]) =>
    `  ${mark} ${c.name}${c.detail ? ` (${c.detail})` : ''}`;
  return [
    `checks ${report.plugin}: ${counts.join(', ')}`,
    ...failed.map(line('FAIL')),
    ...skipped.map(line('skip')),
  ].join('\n');
}
