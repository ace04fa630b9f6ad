import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { App } from '../../lib/core/dispatcher/env';

/** Another dispatcher app beside the test platform's, on its own loopback port. */
export interface ServedApp {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveOnLoopback(app: Pick<App, 'fetch'>): Promise<ServedApp> {
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((ready) => server.once('listening', ready));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((done) => server.close(() => done())),
  };
}
