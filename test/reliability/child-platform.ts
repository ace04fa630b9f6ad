import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { LocalPlatformOptions } from '../../lib/local/platform';
import { killGroup, platformCaller, servingUrl } from '../e2e/child-platform-process';

const ROOT = join(import.meta.dirname, '../..');
const MAIN = join(import.meta.dirname, 'child-platform-main.ts');

export interface ChildPlatform {
  readonly url: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** SIGKILL to the whole process group; resolves once the process is gone. */
  kill(): Promise<void>;
}

/**
 * Starts the platform in its own process group on `dataDir` (as the events SIGKILL test does), and
 * resolves once it serves. Every child started is remembered so `killAll` can clean up after a test.
 */
const started = new Set<ChildProcess>();
export async function startChildPlatform(
  settings: Pick<LocalPlatformOptions, 'dataDir' | 'pluginsDir' | 'retry'> & { dataDir: string },
): Promise<ChildPlatform> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: { ...process.env, PLUGBOARD_CHILD: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  const url = await servingUrl(child, 60_000);
  return { url, call: platformCaller(url, settings.dataDir, 60_000), kill: () => killGroup(child) };
}

export async function killAll(): Promise<void> {
  await Promise.all([...started].map(killGroup));
}
