import { describe, expect, it } from 'vitest';
import { formatConformanceReport, runConformance } from '../../../lib/testing';
import webhookOnly from '../../fixtures/conformance-plugins/webhook-only/index';

describe('a webhook-only plugin with required credentials', () => {
  it('conforms: its webhook action is called with credentials, and refused without them', async () => {
    const report = await runConformance(webhookOnly);
    expect(report.ok, formatConformanceReport(report)).toBe(true);
    expect(report.checks).toContainEqual({
      name: 'webhook forward: answers a delivery with a valid actionConfig',
      ok: true,
      detail: "called with the configSchema's example",
    });
    expect(report.checks.find((c) => c.name.startsWith('secrets: credentials never'))?.detail).toBe(
      '1 canary credential(s); 1 answers, 1 log records, 0 events clean',
    );
    expect(report.checks.find((c) => c.name.includes('CredentialsMissing'))).toEqual({
      name: 'secrets: a call without required credentials answers CredentialsMissing',
      ok: true,
      detail: 'webhook forward: CredentialsMissing',
    });
  });
});
