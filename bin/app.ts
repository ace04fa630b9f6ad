import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { formatLoadReport, loadPlugins } from '../lib/core/loader';
import {
  alarmTopicArnFromContext,
  buildPlatform,
  corsOriginsFromContext,
  jwtFromContext,
  logRetentionFromContext,
  stageFromContext,
} from '../lib/infra/platform';
import { PROJECT_ROOT } from '../lib/infra/project-root';

const app = new App();
// `-c pluginsDir=<folder>` deploys another set of plugins (relative to the project).
const report = await loadPlugins(join(PROJECT_ROOT, app.node.tryGetContext('pluginsDir') ?? 'plugins'));
if (report.errors.length > 0) {
  // A plugin that does not load must not deploy; the loader's table names it and says why.
  console.error(`Plugboard: ${report.errors.length} plugin(s) failed to load\n${formatLoadReport(report)}`);
  process.exit(1);
}
buildPlatform(app, {
  stage: stageFromContext(app),
  plugins: report.loaded,
  jwt: jwtFromContext(app),
  corsOrigins: corsOriginsFromContext(app),
  alarmTopicArn: alarmTopicArnFromContext(app),
  logRetention: logRetentionFromContext(app),
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
