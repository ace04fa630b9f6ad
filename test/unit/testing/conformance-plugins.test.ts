import { describe, expect, it } from 'vitest';
import { loadPlugins } from '../../../lib/core/loader';
import { formatConformanceReport, loadFixtures, runConformance } from '../../../lib/testing';

const report = await loadPlugins('plugins');

describe('every plugin in plugins/ passes the conformance kit', () => {
  it('loads them all', () => {
    expect(report.errors).toEqual([]);
    expect(report.loaded.length).toBeGreaterThanOrEqual(5);
  });

  it.each(report.loaded.map((p) => [p.slug, p] as const))('%s', async (_slug, plugin) => {
    const result = await runConformance(plugin.definition, await loadFixtures(plugin.dir));
    expect(result.ok, formatConformanceReport(result)).toBe(true);
    expect(result.checks.length).toBeGreaterThan(1);
  });
});
