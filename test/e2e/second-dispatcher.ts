import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { CachedRegistry } from '../../lib/core/cached-registry';
import { createDispatcherApp } from '../../lib/core/dispatcher/app';
import type { App } from '../../lib/core/dispatcher/env';
import type { LocalPlatform } from '../../lib/local/platform';

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

/**
 * A dispatcher beside the test platform's over the same registry, reading through a cache of its own
 * (for a minute, so that nothing expires during a test), as two Lambdas are on AWS.
 */
export function serveCachingDispatcher(platform: LocalPlatform): Promise<ServedApp> {
  const registry = new CachedRegistry(platform.deps.registry, { ttlMs: 60_000 });
  return serveOnLoopback(createDispatcherApp({ ...platform.deps, registry }));
}
