export { checkPlugin } from './check-plugin';
export { formatLoadReport } from './format-report';
export { loadPlugins } from './load-plugins';
export type {
  CheckIssue,
  CheckResult,
  LoadedPlugin,
  LoadReport,
  PluginLoadError,
  SkippedPlugin,
} from './types';
