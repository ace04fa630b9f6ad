import { join } from 'node:path';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';

/**
 * A real AWS SDK client pointed at the local platform's Lambda or EventBridge stand-in: only the
 * endpoint, the region and dummy keys are local. One attempt, so a refusal reaches the adapter as
 * the service answered it, not after the SDK's own retries.
 */
export const standInConfig = (url: string) => ({
  endpoint: url,
  region: 'local',
  credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
  maxAttempts: 1,
});

/** Plugins the contracts call: one probe plugin with an action per case. */
export const CONTRACT_PLUGINS = join(import.meta.dirname, '../fixtures/contract-plugins');
/** The same probe as a plugin in "another language": a process speaking JSON lines. */
export const CONTRACT_PROCESS_PLUGINS = join(import.meta.dirname, '../fixtures/contract-process-plugins');

/** A local platform on 127.0.0.1 serving the contract's probe, its stand-ins on the same port. */
export const startContractPlatform = (): Promise<TestPlatform> =>
  startTestPlatform({ pluginsDir: CONTRACT_PLUGINS });
