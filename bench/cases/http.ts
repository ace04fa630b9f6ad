import { type LoadResult, measure, measureServer } from '../load';
import { startServerlessOffline } from '../peers';

export interface HttpFigures {
  bare: LoadResult;
  /** Calibration: Hono alone, and Hono with a worker-thread round trip (servers/hono-echo.ts). */
  hono: LoadResult;
  honoWorker: LoadResult;
  invoke: LoadResult;
  invokeRssMb: number;
  serverlessOffline: LoadResult | { error: string };
}

/**
 * The HTTP cases one after another (never at once: the machine has two cores): bare node:http, Hono
 * alone and with a worker hop, the platform's full invoke path, serverless-offline.
 * `platformNodeArgs` lets a profile be taken.
 */
export async function httpCases(platformNodeArgs: string[] = []): Promise<HttpFigures> {
  const bare = await measureServer('bench/servers/bare-http.ts');
  const hono = await measureServer('bench/servers/hono.ts');
  const honoWorker = await measureServer('bench/servers/hono-worker.ts');

  const { rssMb, ...invoke } = await measureServer('bench/servers/platform.ts', platformNodeArgs);

  let serverlessOffline: HttpFigures['serverlessOffline'];
  try {
    const peer = await startServerlessOffline();
    serverlessOffline = await measure({ url: peer.url, headers: {} }, peer.cpuMicros).finally(() =>
      peer.stop(),
    );
  } catch (error) {
    serverlessOffline = { error: (error as Error).message };
  }
  return { bare, hono, honoWorker, invoke, invokeRssMb: rssMb, serverlessOffline };
}
