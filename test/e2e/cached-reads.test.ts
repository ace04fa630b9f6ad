import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestSchema } from '../../lib/sdk/manifest';
import { startTestPlatform, type TestPlatform } from './harness';
import { type ServedApp, serveCachingDispatcher } from './second-dispatcher';

/**
 * Two dispatchers over one registry, as Lambdas are on AWS: each caches what it read, and a write
 * made through one overtakes what the other holds.
 */
describe('a dispatcher whose cached read another one has overtaken', () => {
  let pb: TestPlatform;
  let served: ServedApp;

  beforeAll(async () => {
    pb = await startTestPlatform();
    served = await serveCachingDispatcher(pb.platform);
  });
  afterAll(async () => {
    await served?.close();
    await pb?.close();
  });

  /** A read with a precondition is answered for the stored instance, whatever the cache holds. */
  describe('answering a conditional read', () => {
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

  /**
   * A call the cached read would refuse (credentials missing, options outdated) is not refused once
   * a write has set what it lacked.
   */
  describe('taking a call', () => {
    const callThere = async (path: string, body: unknown) => {
      const response = await fetch(`${served.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${pb.platform.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    };

    it('is made with the credentials set since, not refused CredentialsMissing', async () => {
      await pb.createInstance('signer', 'hmac-signer');
      const sign = () => callThere('/v1/instances/signer/actions/sign', { params: { payload: 'hello' } });
      expect(await sign()).toMatchObject({ status: 409, body: { code: 'CredentialsMissing' } });

      const set = await pb.call('PUT', '/v1/instances/signer/credentials', { values: { signingKey: 'k' } });
      expect(set.status).toBe(200);
      expect(await sign()).toMatchObject({ status: 200, body: { result: { algorithm: 'sha256' } } });
    });

    it('is made with the options fixed since, not refused OptionsOutdated', async () => {
      await pb.createInstance('upgraded', 'incrementer');
      // A plugin this dispatcher has not read yet: what it read stays cached, as on AWS for 5 s after a deploy.
      const plugin = (await pb.platform.deps.registry.getPlugin('incrementer'))!;
      // The plugin's next version requires an option the instance was made without.
      await pb.platform.deps.registry.putPlugin({
        ...plugin,
        manifest: ManifestSchema.parse({
          ...plugin.manifest,
          version: '1.1.0',
          options: [
            ...plugin.manifest.options,
            { name: 'region', label: 'Region', type: 'string', required: true },
          ],
        }),
      });
      const call = () => callThere('/v1/instances/upgraded/actions/increment', {});
      expect(await call()).toMatchObject({ status: 409, body: { code: 'OptionsOutdated' } });

      const fixed = await pb.call(
        'PATCH',
        '/v1/instances/upgraded',
        { options: { region: 'eu' } },
        { 'if-match': '*' },
      );
      expect(fixed.status).toBe(200);
      expect(await call()).toMatchObject({ status: 200 });
    });

    it('is refused as read when the name now holds another instance, which is never called in its stead', async () => {
      await pb.createInstance('remade', 'hmac-signer');
      const sign = () => callThere('/v1/instances/remade/actions/sign', { params: { payload: 'hello' } });
      expect(await sign()).toMatchObject({ status: 409, body: { code: 'CredentialsMissing' } });

      // Made again of another plugin, which needs no credentials and has no action "sign": the call's
      // params were checked against the deleted instance's plugin.
      expect((await pb.call('DELETE', '/v1/instances/remade')).status).toBe(204);
      await pb.createInstance('remade', 'audit-log');
      expect(await sign()).toMatchObject({ status: 409, body: { code: 'CredentialsMissing' } });
    });
  });
});
