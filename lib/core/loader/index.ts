export { checkPlugin, issueText } from './check-plugin';
export { formatLoadReport } from './format-report';
export { type ImportModule, type ImportModules, loadPlugins } from './load-plugins';
export type {
  CheckIssue,
  CheckResult,
  LoadedPlugin,
  LoadReport,
  PluginLoadError,
  SkippedPlugin,
} from './types';
