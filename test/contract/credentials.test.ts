import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, describe, expect, it } from 'vitest';
import {
  SecretsManagerCredentialResolver,
  SecretsManagerCredentialStore,
} from '../../lib/aws/secrets-manager-credential-store';
import { FileCredentialStore } from '../../lib/local/file-credential-store';
import { CANARY, credentialContract } from './credential-contract';
import { fakeSecretsManager } from './fake-secrets-manager';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

credentialContract('FileCredentialStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'plugboard-credentials-'));
  dirs.push(dir);
  const store = new FileCredentialStore({ dir: join(dir, '.plugboard') });
  return { store, resolver: store };
});

const sm = fakeSecretsManager();
credentialContract('SecretsManagerCredentialStore', async () => ({
  store: new SecretsManagerCredentialStore({ client: sm.client }),
  resolver: new SecretsManagerCredentialResolver({ client: sm.client }),
}));

describe('SecretsManagerCredentialStore', () => {
  it('never reads a secret value, and keeps values only in the secret', async () => {
    const { client, mock, secrets } = fakeSecretsManager();
    const store = new SecretsManagerCredentialStore({ client });
    await store.put('plugboard/dev/kv/a', { token: CANARY });
    await store.put('plugboard/dev/kv/a', { token: CANARY, user: 'u' });
    expect(secrets.get('plugboard/dev/kv/a')?.tags).toEqual([
      { Key: 'plugboard:fields', Value: 'token user' },
    ]);
    await store.delete('plugboard/dev/kv/a');
    expect(mock.commandCalls(GetSecretValueCommand)).toHaveLength(0);
    expect(secrets.size).toBe(0);
  });

  it('stores the values as one JSON secret and the names as a tag', async () => {
    const { client, secrets } = fakeSecretsManager();
    await new SecretsManagerCredentialStore({ client }).put('plugboard/dev/kv/b', {
      token: CANARY,
      user: 'u',
    });
    const secret = secrets.get('plugboard/dev/kv/b');
    expect(JSON.parse(secret?.value ?? '')).toEqual({ token: CANARY, user: 'u' });
    expect(secret?.tags).toEqual([{ Key: 'plugboard:fields', Value: 'token user' }]);
    expect(JSON.stringify(secret?.tags)).not.toContain(CANARY);
  });

  it('reports a secret that is not a credentials object without quoting it', async () => {
    const { client, secrets } = fakeSecretsManager();
    secrets.set('plugboard/dev/kv/odd', { value: `not json ${CANARY}`, tags: [] });
    const resolver = new SecretsManagerCredentialResolver({ client });
    await expect(resolver.resolve('plugboard/dev/kv/odd')).rejects.toThrow(
      /not a JSON object of string values/,
    );
    await expect(resolver.resolve('plugboard/dev/kv/odd')).rejects.not.toThrow(CANARY);
  });

  it('makes its own client on first use when given none, as a plugin function does', async () => {
    const mock = mockClient(SecretsManagerClient);
    try {
      mock.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ token: 'x' }) });
      await expect(new SecretsManagerCredentialResolver().resolve('plugboard/dev/kv/c')).resolves.toEqual({
        token: 'x',
      });
      expect(mock.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    } finally {
      mock.restore();
    }
  });
});
