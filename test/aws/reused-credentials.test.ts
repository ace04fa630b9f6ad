import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { CREDENTIALS_REUSE_MS, ReusedCredentials } from '../../lib/aws/reused-credentials';
import { awsRuntimeServices } from '../../lib/aws/runtime-services';
import type { CredentialResolver } from '../../lib/core/ports';
import { runEnvelope } from '../../lib/core/runtime/run-envelope';
import { definePlugin } from '../../lib/sdk';

const REF = 'plugboard/dev/keyed/a/g1';

/** A resolver that counts its reads and answers what `stored` holds at the time. */
function countingResolver(stored: Map<string, Record<string, string>>) {
  const reads: string[] = [];
  const resolver: CredentialResolver = {
    resolve: async (ref) => {
      reads.push(ref);
      if (ref.endsWith('/broken')) throw new Error('the secret could not be read');
      return stored.get(ref);
    },
  };
  return { resolver, reads };
}

describe('ReusedCredentials', () => {
  it('reads once for the calls of one instance version, and again for a new version', async () => {
    const stored = new Map([[REF, { token: 'first' }]]);
    const { resolver, reads } = countingResolver(stored);
    const reused = new ReusedCredentials(resolver);
    expect(await reused.resolve(REF, 3)).toEqual({ token: 'first' });
    stored.set(REF, { token: 'second' });
    expect(await reused.resolve(REF, 3)).toEqual({ token: 'first' });
    expect(reads).toHaveLength(1);
    // A credentials write made version 4: its calls get what was written.
    expect(await reused.resolve(REF, 4)).toEqual({ token: 'second' });
    expect(reads).toHaveLength(2);
  });

  it('reads again once the reuse has lasted its time, for a secret changed behind the platform', async () => {
    const { resolver, reads } = countingResolver(new Map([[REF, { token: 't' }]]));
    let now = 1_000;
    const reused = new ReusedCredentials(resolver, () => now);
    await reused.resolve(REF, 1);
    now += CREDENTIALS_REUSE_MS - 1;
    await reused.resolve(REF, 1);
    expect(reads).toHaveLength(1);
    now += 1;
    await reused.resolve(REF, 1);
    expect(reads).toHaveLength(2);
  });

  it('keeps neither a secret not found nor a failure, and reads every time without a version', async () => {
    const stored = new Map<string, Record<string, string>>();
    const { resolver, reads } = countingResolver(stored);
    const reused = new ReusedCredentials(resolver);
    expect(await reused.resolve(REF, 1)).toBeUndefined();
    stored.set(REF, { token: 'set since' });
    expect(await reused.resolve(REF, 1)).toEqual({ token: 'set since' });
    const broken = 'plugboard/dev/keyed/a/broken';
    await expect(reused.resolve(broken, 1)).rejects.toThrow(/could not be read/);
    await expect(reused.resolve(broken, 1)).rejects.toThrow(/could not be read/);
    await reused.resolve(REF);
    await reused.resolve(REF);
    expect(reads).toHaveLength(6);
  });
});

describe("a plugin's Lambda and its instance's credentials", () => {
  const secrets = mockClient(SecretsManagerClient);
  afterEach(() => secrets.reset());

  const plugin = definePlugin({
    manifest: {
      slug: 'keyed',
      name: 'Keyed',
      version: '1.0.0',
      apiVersion: 1,
      credentials: [{ name: 'token', label: 'Token' }],
      actions: [{ name: 'length', label: "The token's length" }],
    },
    actions: { length: async (ctx) => ({ length: ctx.credentials.token.length }) },
  });
  const services = awsRuntimeServices(
    {
      PLUGBOARD_STAGE: 'dev',
      PLUGBOARD_TABLE_NAME: 'table',
      PLUGBOARD_BUS_NAME: 'bus',
      PLUGBOARD_AUTH: 'iam',
      PLUGBOARD_CORS_ORIGINS: [],
    },
    () => undefined,
  );
  const call = (credentialsVersion?: number) =>
    runEnvelope(
      plugin,
      {
        v: 1,
        kind: 'action',
        plugin: 'keyed',
        instance: 'a',
        name: 'length',
        input: {},
        credentialsRef: REF,
        credentialsVersion,
        requestId: 'r',
        deadline: Date.now() + 5_000,
      },
      services,
    );

  it('reads the secret once per instance version, where each call read it', async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ token: 'abc' }) });
    for (let i = 0; i < 3; i++) expect(await call(7)).toEqual({ ok: true, result: { length: 3 } });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);

    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ token: 'abcdef' }) });
    expect(await call(8)).toEqual({ ok: true, result: { length: 6 } });
    expect(await call()).toEqual({ ok: true, result: { length: 6 } });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(3);
  });
});
