import { startServer } from '../child';
import { type LoadResult, measure } from '../load';
import { startServerlessOffline } from '../peers';

export interface HttpFigures {
  bare: LoadResult;
  invoke: LoadResult;
  invokeRssMb: number;
  serverlessOffline: LoadResult | { error: string };
}

/**
 * The three HTTP cases one after another (never at once: the machine has two cores): bare node:http,
 * the platform's full invoke path, serverless-offline. `platformNodeArgs` lets a profile be taken.
 */
export async function httpCases(platformNodeArgs: string[] = []): Promise<HttpFigures> {
  const bareServer = await startServer('bench/servers/bare-http.ts');
  const bare = await measure(bareServer.ready).finally(() => bareServer.stop());

  const platform = await startServer('bench/servers/platform.ts', platformNodeArgs);
  let invoke: LoadResult;
  let rss: number;
  try {
    invoke = await measure(platform.ready);
    rss = await platform.rssBytes();
  } finally {
    await platform.stop();
  }

  let serverlessOffline: HttpFigures['serverlessOffline'];
  try {
    const peer = await startServerlessOffline();
    serverlessOffline = await measure({ url: peer.url, headers: {} }).finally(() => peer.stop());
  } catch (error) {
    serverlessOffline = { error: (error as Error).message };
  }
  return { bare, invoke, invokeRssMb: rss / 2 ** 20, serverlessOffline };
}
