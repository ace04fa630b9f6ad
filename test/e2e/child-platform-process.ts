import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Resolves with the URL a platform child prints once it serves; rejects if it exits or is too slow. */
export function servingUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  let output = '';
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the platform did not start: ${output}`)), timeoutMs);
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
}

/**
 * SIGKILL to the child's whole process group (it must be spawned `detached`: npm runs a shell, which
 * runs node, and the kill must reach all of them); resolves once the child is gone.
 */
export function killGroup(child: ChildProcess): Promise<void> {
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

/**
 * Calls the API of a platform serving at `url` with the token it keeps in `dataDir`, answering the
 * status and the JSON body (undefined where there is none).
 */
export function platformCaller(url: string, dataDir: string, timeoutMs: number) {
  const token = readFileSync(join(dataDir, 'token'), 'utf8').trim();
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, body: await response.json().catch(() => undefined) };
  };
}

const ROOT = join(import.meta.dirname, '../..');

/**
 * `npm start` (npm runs a shell, which runs `node bin/supervise.mjs`, which runs the platform's
 * process), or with `cli` `node bin/plugboard.mjs start` (the spawned process is the supervisor), in
 * its own process group so that a signal or a SIGKILL sent to the group reaches them all, as a
 * terminal's would; with `watch`, watching its plugins' folders. `url` resolves once it serves.
 */
export function spawnPlatform(
  dataDir: string,
  pluginsDir: string,
  more: { args?: readonly string[]; env?: NodeJS.ProcessEnv; cli?: boolean; watch?: boolean } = {},
): { child: ChildProcess; url: Promise<string> } {
  const args = [
    '--port',
    '0',
    '--data',
    dataDir,
    ...(more.watch ? [] : ['--no-watch']),
    '--plugins',
    pluginsDir,
    ...(more.args ?? []),
  ];
  const [command, launch] = more.cli
    ? [process.execPath, ['bin/plugboard.mjs', 'start', ...args]]
    : ['npm', ['start', '--', ...args]];
  const child = spawn(command, launch, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
    env: { ...process.env, ...more.env },
  });
  return { child, url: servingUrl(child, 60_000) };
}
