import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LocalPlatformOptions } from '../../lib/local/platform';

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
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the platform did not start: ${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const found = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (found?.[1]) {
        clearTimeout(timer);
        resolve(found[1]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => reject(new Error(`the platform exited (${code}): ${output}`)));
  });
  const token = readFileSync(join(settings.dataDir, 'token'), 'utf8').trim();
  return {
    url,
    async call(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(60_000),
      });
      return { status: response.status, body: await response.json().catch(() => undefined) };
    },
    kill: () => killGroup(child),
  };
}

function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    try {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      resolve();
    }
  });
}

export async function killAll(): Promise<void> {
  await Promise.all([...started].map(killGroup));
}
