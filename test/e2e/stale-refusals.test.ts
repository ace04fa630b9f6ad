import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CachedRegistry } from '../../lib/core/cached-registry';
import { createDispatcherApp } from '../../lib/core/dispatcher/app';
import { ManifestSchema } from '../../lib/sdk/manifest';
import { startTestPlatform, type TestPlatform } from './harness';
import { type ServedApp, serveOnLoopback } from './second-dispatcher';

/**
 * Two dispatchers over one registry, as Lambdas are on AWS: each caches what it read. A call the
 * other dispatcher's cached read would refuse (credentials missing, options outdated) is not refused
 * once a write has set what it lacked.
 */
describe('a call at a dispatcher whose cached read another one has overtaken', () => {
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
    await pb.createInstance('upgraded', 'echo');
    const echo = (await pb.platform.deps.registry.getPlugin('echo'))!;
    // The plugin's next version requires an option the instance was made without.
    await pb.platform.deps.registry.putPlugin({
      ...echo,
      manifest: ManifestSchema.parse({
        ...echo.manifest,
        version: '1.1.0',
        options: [
          ...echo.manifest.options,
          { name: 'region', label: 'Region', type: 'string', required: true },
        ],
      }),
    });
    const call = () => callThere('/v1/instances/upgraded/actions/echo', { params: { message: 'hi' } });
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
    await pb.createInstance('remade', 'incrementer');
    expect(await sign()).toMatchObject({ status: 409, body: { code: 'CredentialsMissing' } });
  });
});
