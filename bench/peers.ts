import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as wait } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { procCpuMicros } from './proc-cpu';

/** bench/peers: autocannon and the Serverless Framework, kept out of the project's dependencies. */
const PEERS_DIR = fileURLToPath(new URL('./peers/', import.meta.url));

export const peerBin = (path: string): string => `${PEERS_DIR}node_modules/${path}`;

/** Installs bench/peers from its own lockfile the first time (it writes only under bench/peers). */
export async function ensurePeers(): Promise<void> {
  if (
    existsSync(peerBin('autocannon/package.json')) &&
    existsSync(peerBin('serverless-offline/package.json'))
  )
    return;
  console.log('installing the benchmark peers into bench/peers/node_modules (once) ...');
  await promisify(execFile)(
    'npm',
    ['ci', '--prefix', PEERS_DIR, '--legacy-peer-deps', '--no-audit', '--no-fund'],
    { timeout: 600_000, maxBuffer: 64 * 1024 * 1024 },
  );
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const PROBE = '{"probe":true}';

export interface PeerServer {
  readonly url: string;
  /** The peer's CPU time so far in µs (its handler runs in its process); undefined without /proc. */
  cpuMicros(): Promise<number | undefined>;
  stop(): Promise<void>;
}

/**
 * serverless-offline 14.8 under Serverless Framework v3 in its fastest fair mode (handler in process,
 * no timeout), serving bench/peers/echo-handler.mjs behind an `httpApi` route, with dummy credentials.
 */
export async function startServerlessOffline(timeoutMs = 90_000): Promise<PeerServer> {
  const [httpPort, lambdaPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [
      peerBin('serverless/bin/serverless.js'),
      'offline',
      'start',
      '--useInProcess',
      '--noTimeout',
      '--noPrependStageInUrl',
      '--host',
      '127.0.0.1',
      '--httpPort',
      String(httpPort),
      '--lambdaPort',
      String(lambdaPort),
    ],
    {
      cwd: PEERS_DIR,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        ...process.env,
        SLS_LOG_LEVEL: 'warning',
        SLS_TELEMETRY_DISABLED: '1',
        SLS_NOTIFICATIONS_MODE: 'off',
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_REGION: 'us-east-1',
      },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const url = `http://127.0.0.1:${httpPort}/echo`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && child.exitCode === null) {
    const answer = await fetch(url, { method: 'POST', body: PROBE }).catch(() => undefined);
    if (answer?.ok && (await answer.text()) === PROBE)
      return { url, stop, cpuMicros: () => procCpuMicros(child.pid) };
    await wait(250);
  }
  await stop();
  throw new Error(`serverless-offline did not answer within ${timeoutMs} ms: ${stderr.trim().slice(-500)}`);
}
