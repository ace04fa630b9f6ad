import { startLocalPlatform } from '../../lib/local/platform';

/**
 * The local platform as a process of its own, for tests that SIGKILL it. Settings come as JSON in
 * PLUGBOARD_CHILD so a test can choose the retry policy, which the CLI does not expose.
 */
const settings = JSON.parse(process.env.PLUGBOARD_CHILD ?? '{}');
const platform = await startLocalPlatform({
  port: 0,
  watch: false,
  logSink: () => undefined,
  ...settings,
});
console.log(`serving on ${platform.url}`);
