import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildPlatform } from '../../lib/infra/platform';
import type { JwtAuthOptions } from '../../lib/infra/platform-api';
import type { DeployedPlugin } from '../../lib/infra/plugin-function';
import { ManifestSchema } from '../../lib/sdk/manifest';

const fixture = (slug: string, manifest: Record<string, unknown>): DeployedPlugin => ({
  manifest: ManifestSchema.parse({ slug, name: slug, version: '1.0.0', apiVersion: 1, ...manifest }),
  entry: fileURLToPath(new URL(`../fixtures/infra-plugins/${slug}/index.ts`, import.meta.url)),
});

/** Two plugins whose slugs share a prefix, so a sloppy IAM prefix would show. */
export const FIXTURE_PLUGINS: readonly DeployedPlugin[] = [
  { ...fixture('kv', { timeoutSeconds: 5, memoryMb: 512 }), handlers: ['http', 'events'] },
  fixture('kv-extra', { version: '2.0.0' }),
];

export const STAGE = 'test';

/**
 * The feature flags cdk.json gives every `cdk synth` and `cdk deploy`: the CLI hands them to the app,
 * a test's App reads only what it is given, so the templates tested are the ones deployed.
 */
const DEPLOYED_FLAGS: Record<string, unknown> = Object.fromEntries(
  Object.entries(
    JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<
      string,
      unknown
    >,
  ).filter(([key]) => key.startsWith('@aws-cdk')),
);

/** The platform as bin/app.ts builds it, with cdk.json's flags and cdk-nag, without bundling (no esbuild runs). */
export function buildFixturePlatform(
  options: {
    jwt?: JwtAuthOptions;
    corsOrigins?: readonly string[];
    alarmTopicArn?: string;
    logRetention?: RetentionDays;
  } = {},
) {
  const app = new App({ context: { ...DEPLOYED_FLAGS, 'aws:cdk:bundling-stacks': [] } });
  const stacks = buildPlatform(app, { stage: STAGE, plugins: FIXTURE_PLUGINS, ...options });
  const nag = new AwsSolutionsChecks(app);
  Validations.of(app).addPlugins(nag);
  return { app, nag, ...stacks };
}
