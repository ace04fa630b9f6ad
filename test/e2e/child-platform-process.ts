import type { ChildProcess } from 'node:child_process';

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
 * SIGKILL to the child's whole process group (it must be spawned `detached`: npx runs tsx, which runs
 * node, and the kill must reach all of them); resolves once the child is gone.
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
