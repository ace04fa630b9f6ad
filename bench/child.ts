import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { procCpuMicros } from './proc-cpu';

/** What a server child tells the runner once it listens. */
export interface Ready {
  readonly url: string;
  readonly headers: Record<string, string>;
}

type Request = 'rss' | 'close';

/**
 * Called by a server child (forked with an IPC channel): reports where it listens, answers RSS
 * questions and closes on request, exiting normally so that `--cpu-prof` can write its profile.
 */
export function announce(ready: Ready, close: () => Promise<void> = async () => undefined): void {
  process.on('message', async (request: Request) => {
    if (request === 'rss') process.send!({ rss: process.memoryUsage().rss });
    if (request === 'close') {
      await close();
      process.exit(0);
    }
  });
  process.send!({ ready });
}

export interface ServerChild {
  readonly ready: Ready;
  rssBytes(): Promise<number>;
  /** CPU time the child has used so far, every thread of it (the plugin workers too), in µs. */
  cpuMicros(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/** A path in the project, or an absolute one (another checkout, for bench/compare.ts). */
const project = (path: string) =>
  isAbsolute(path) ? path : fileURLToPath(new URL(`../${path}`, import.meta.url));

/**
 * How a checkout runs a server script: by its `bin/run.mjs` under plain node, as `npm start` runs
 * the platform (no TypeScript loader in the process, so its RSS is the platform's), or under
 * `node --import tsx` in a checkout from before there was one (bench/compare.ts against an old commit).
 */
function runnerFor(
  script: string,
  nodeArgs: string[],
): { module: string; args: string[]; execArgv: string[] } {
  for (let dir = dirname(script); dir !== dirname(dir); dir = dirname(dir)) {
    if (!existsSync(join(dir, 'package.json'))) continue;
    const launcher = join(dir, 'bin/run.mjs');
    if (existsSync(launcher)) return { module: launcher, args: [script], execArgv: nodeArgs };
    break;
  }
  return { module: script, args: [], execArgv: ['--import', 'tsx', ...nodeArgs] };
}

/** Forks a TypeScript server (see `runnerFor`) and waits (bounded) until it announces itself. */
export function startServer(
  script: string,
  nodeArgs: string[] = [],
  timeoutMs = 60_000,
): Promise<ServerChild> {
  const runner = runnerFor(project(script), nodeArgs);
  const child = fork(runner.module, runner.args, {
    execArgv: runner.execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const reply = <T>(key: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${script}: no ${key} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onMessage = (message: Record<string, T>) => {
        if (!(key in message)) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message[key]!);
      };
      child.on('message', onMessage);
      child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return reply<Ready>('ready').then(
    (ready) => ({
      ready,
      rssBytes: () => {
        const answer = reply<number>('rss');
        child.send('rss');
        return answer;
      },
      cpuMicros: () => procCpuMicros(child.pid),
      stop: async () => {
        child.send('close');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      },
    }),
    (error) => {
      child.kill('SIGKILL');
      throw error;
    },
  );
}

/** Called by a case child: runs the case and sends its figures to the runner, then exits. */
export async function reportCase(run: () => Promise<unknown>): Promise<void> {
  const result = await run();
  if (process.send) process.send({ result }, () => process.exit(0));
  else console.log(JSON.stringify(result, null, 2));
}

/** Runs a case file in a fresh process (no heap or JIT state shared with other cases), bounded in time. */
export function runCase<T>(script: string, timeoutMs = 300_000): Promise<T> {
  const child = fork(project(script), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} took longer than ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', (message: { result?: T }) => {
      if (message.result === undefined) return;
      clearTimeout(timer);
      resolve(message.result);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before reporting`));
    });
  });
}
