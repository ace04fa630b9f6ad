export { checkPlugin, issueText } from './check-plugin';
export { formatLoadReport } from './format-report';
export { type ImportModule, loadPlugins } from './load-plugins';
export type {
  CheckIssue,
  CheckResult,
  LoadedPlugin,
  LoadReport,
  PluginLoadError,
  SkippedPlugin,
} from './types';
