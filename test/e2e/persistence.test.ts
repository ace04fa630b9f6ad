import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestPlatform } from './harness';

const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-persist-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('persisted local platform', () => {
  it('keeps instances, credentials and the token across a restart', async () => {
    const first = await startTestPlatform({ memory: false, dataDir });
    expect(
      (await first.call('POST', '/v1/instances', { name: 'signer', plugin: 'hmac-signer' })).status,
    ).toBe(201);
    expect(
      (
        await first.call('PUT', '/v1/instances/signer/credentials', {
          values: { signingKey: 'persisted-key-123' },
        })
      ).status,
    ).toBe(200);
    const signed = await first.call('POST', '/v1/instances/signer/actions/sign', {
      params: { payload: 'p' },
    });
    expect(signed.status).toBe(200);
    const token = first.platform.token;
    await first.close();

    expect(statSync(join(dataDir, 'token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'credentials.key')).mode & 0o777).toBe(0o600);

    const second = await startTestPlatform({ memory: false, dataDir });
    try {
      expect(second.platform.token).toBe(token);
      expect((await second.call('GET', '/v1/instances/signer')).body.credentialsSet).toEqual(['signingKey']);
      const again = await second.call('POST', '/v1/instances/signer/actions/sign', {
        params: { payload: 'p' },
      });
      expect(again.status).toBe(200);
      expect(again.body.result.signature).toBe(signed.body.result.signature);
    } finally {
      await second.close();
    }
  });
});
