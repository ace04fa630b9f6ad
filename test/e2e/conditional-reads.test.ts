import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedRegistry } from '../../lib/core/cached-registry';
import { createDispatcherApp } from '../../lib/core/dispatcher/app';
import { startTestPlatform, type TestPlatform } from './harness';
import { type ServedApp, serveOnLoopback } from './second-dispatcher';

/**
 * Two dispatchers over one registry, as Lambdas are on AWS: each caches what it read. A read with a
 * precondition is answered for the stored instance, whatever the other dispatcher's cache holds.
 */
describe('a conditional read at a dispatcher whose cached read another one has overtaken', () => {
  let pb: TestPlatform;
  let served: ServedApp;

  beforeAll(async () => {
    pb = await startTestPlatform();
    const registry = new CachedRegistry(pb.platform.deps.registry, { ttlMs: 60_000 });
    served = await serveOnLoopback(createDispatcherApp({ ...pb.platform.deps, registry }));
  });
  afterAll(async () => {
    await served?.close();
    await pb?.close();
  });

  const getThere = (headers: Record<string, string> = {}) =>
    fetch(`${served.url}/v1/instances/cond`, {
      headers: { authorization: `Bearer ${pb.platform.token}`, ...headers },
    });

  it('is answered 200 with the new ETag, not 304 or 412 from the stale read', async () => {
    expect((await pb.call('POST', '/v1/instances', { name: 'cond', plugin: 'echo' })).status).toBe(201);
    const first = await getThere();
    const old = first.headers.get('etag')!;
    const patched = await pb.call(
      'PATCH',
      '/v1/instances/cond',
      { description: 'here' },
      { 'if-match': old },
    );
    expect(patched.status).toBe(200);
    const current = patched.headers.get('etag')!;
    expect(current).not.toBe(old);

    // A plain read there may still be its cached one (for at most its time to live).
    expect((await getThere()).headers.get('etag')).toBe(old);
    const revalidated = await getThere({ 'if-none-match': old });
    expect(revalidated.status).toBe(200);
    expect(revalidated.headers.get('etag')).toBe(current);
    expect(await revalidated.json()).toMatchObject({ version: 2, description: 'here' });
    expect((await getThere({ 'if-none-match': current })).status).toBe(304);
    expect((await getThere({ 'if-match': current })).status).toBe(200);
    expect((await getThere({ 'if-match': old })).status).toBe(412);
  });
});
