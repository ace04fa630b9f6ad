import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startServer } from './child';
import { peerBin } from './peers';

/** About 200 bytes of JSON: the one param the echo action accepts. */
export const ECHO_BODY = JSON.stringify({ params: { message: 'x'.repeat(172) } });

export interface LoadResult {
  rps: number;
  p99Ms: number;
  requests: number;
  /** Answers other than 2xx plus socket errors and timeouts: a valid run has none. */
  failures: number;
  /**
   * The server's CPU time (all its threads) per request in the measured run, when it can be asked:
   * steadier than requests/s on a shared machine, where the load generator competes for the cores.
   */
  cpuUsPerRequest?: number | undefined;
}

export interface LoadOptions {
  readonly url: string;
  readonly headers: Record<string, string>;
  /** @default 50 */
  readonly connections?: number;
  /** @default 10 */
  readonly seconds?: number;
}

/**
 * POSTs ECHO_BODY with autocannon's CLI in a process of its own, so that the load generator never
 * shares an event loop with the server it measures.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const seconds = options.seconds ?? 10;
  const args = [
    peerBin('autocannon/autocannon.js'),
    '--json',
    '-c',
    String(options.connections ?? 50),
    '-d',
    String(seconds),
    '-m',
    'POST',
    '-H',
    'content-type=application/json',
    ...Object.entries(options.headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]),
    '-b',
    ECHO_BODY,
    options.url,
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args, {
    timeout: (seconds + 30) * 1000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const result = JSON.parse(stdout);
  return {
    rps: result.requests.average,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * A warm-up run, then the measured one. Under this load the platform's main thread takes about ten
 * seconds of JIT compilation to reach its steady rate (measured: ~450 req/s in the first 5 s, ~1,000
 * from the 10th), so a shorter warm-up measures the compiler rather than the path.
 */
export async function measure(
  options: LoadOptions,
  cpuMicros?: () => Promise<number | undefined>,
): Promise<LoadResult> {
  await runLoad({ ...options, seconds: 10 });
  const before = await cpuMicros?.();
  const result = await runLoad(options);
  const after = await cpuMicros?.();
  const cpu = before === undefined || after === undefined ? undefined : (after - before) / result.requests;
  return { ...result, cpuUsPerRequest: cpu };
}

/**
 * A server script forked (see `startServer`) with `nodeArgs`, measured under the load, asked for its
 * resident memory at the end of it, then stopped.
 */
export async function measureServer(
  script: string,
  nodeArgs: string[] = [],
): Promise<LoadResult & { rssMb: number }> {
  const server = await startServer(script, nodeArgs);
  try {
    const result = await measure(server.ready, server.cpuMicros);
    return { ...result, rssMb: (await server.rssBytes()) / 2 ** 20 };
  } finally {
    await server.stop();
  }
}
