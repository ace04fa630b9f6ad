import { checkPlugin, issueText } from '../../core/loader';
import { credentialFields } from '../../sdk/credential-fields';
import { actionChecks } from './actions';
import { configurationChecks } from './configuration';
import { deploymentChecks } from './deployment';
import { ConformanceHarness } from './harness';
import { identityChecks } from './identity';
import { lifecycleChecks } from './lifecycle';
import { logsChecks } from './logs';
import { canaryCredentials, credentialsRequiredCheck, secretsCheck } from './secrets';
import type { ConformanceCheck, ConformanceFixtures, ConformanceReport } from './types';
import { webhookChecks } from './webhook';

const slugOf = (plugin: unknown): string => {
  const slug = (plugin as { manifest?: { slug?: unknown } } | null)?.manifest?.slug;
  return typeof slug === 'string' ? slug : '(unknown)';
};

/**
 * Checks a plugin against its declared contracts through the real plugin runtime, with in-memory
 * storage and canary credentials. Never throws for a plugin's fault: every finding is a check in
 * the report. Usable from any test runner: `expect(report.ok).toBe(true)`.
 */
export async function runConformance(
  plugin: unknown,
  fixtures: ConformanceFixtures = {},
): Promise<ConformanceReport> {
  const loaded = checkPlugin(plugin);
  const manifestCheck: ConformanceCheck = loaded.ok
    ? { name: 'manifest: valid, handlers match the declared types', ok: true, detail: loaded.manifest.slug }
    : {
        name: 'manifest: valid, handlers match the declared types',
        ok: false,
        detail: loaded.skipped ?? loaded.errors.map(issueText).join('; '),
      };
  if (!loaded.ok) return { plugin: slugOf(plugin), ok: false, checks: [manifestCheck] };

  const { manifest } = loaded;
  const h = new ConformanceHarness(
    plugin as ConstructorParameters<typeof ConformanceHarness>[0],
    manifest,
    fixtures,
    canaryCredentials(manifest),
  );
  const checks = [manifestCheck];
  if (manifest.types.includes('configuration')) checks.push(...(await configurationChecks(h)));
  if (manifest.types.includes('logs')) checks.push(...(await logsChecks(h)));
  if (manifest.types.includes('identity')) checks.push(...(await identityChecks(h)));
  if (manifest.types.includes('deployment')) checks.push(...(await deploymentChecks(h)));
  if (manifest.types.includes('lifecycle')) checks.push(...(await lifecycleChecks(h)));
  if (manifest.types.includes('webhook')) checks.push(...(await webhookChecks(h)));
  checks.push(...(await actionChecks(h)));
  checks.push(await secretsCheck(h));
  if (credentialFields(manifest).some((c) => c.required)) checks.push(await credentialsRequiredCheck(h));
  return { plugin: manifest.slug, ok: checks.every((c) => c.ok), checks };
}

/** The report as text, one line per check, for a terminal or a failed assertion. */
export function formatConformanceReport(report: ConformanceReport): string {
  const lines = report.checks.map(
    (c) => `  ${c.skipped ? 'skip' : c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.detail ? ` (${c.detail})` : ''}`,
  );
  const failed = report.checks.filter((c) => !c.ok).length;
  return [
    `${report.plugin}: ${failed === 0 ? 'conforms' : `${failed} of ${report.checks.length} checks failed`}`,
    ...lines,
  ].join('\n');
}
