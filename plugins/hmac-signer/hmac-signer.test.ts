import { createHmac } from 'node:crypto';
import { callAction, createTestContext } from 'plugboard/testing';
import { describe, expect, it } from 'vitest';
import { checkPlugin } from '../../lib/core/loader';
import hmacSigner from './index';

const KEY = 'canary-signing-key-7f3a';
const withKey = (options: Record<string, unknown> = {}) =>
  createTestContext({ manifest: hmacSigner.manifest, options, credentials: { signingKey: KEY } });

describe('hmac-signer', () => {
  it('passes the loader', () => {
    expect(checkPlugin(hmacSigner)).toMatchObject({ ok: true });
  });

  it('signs with HMAC-SHA256 in hex by default', async () => {
    const result = await callAction(hmacSigner, withKey(), 'sign', { payload: 'hello' });
    expect(result).toEqual({
      signature: createHmac('sha256', KEY).update('hello').digest('hex'),
      algorithm: 'sha256',
    });
  });

  it('honours the algorithm and encoding options', async () => {
    const result = await callAction(
      hmacSigner,
      withKey({ algorithm: 'sha512', encoding: 'base64' }),
      'sign',
      {
        payload: 'hello',
      },
    );
    expect(result).toEqual({
      signature: createHmac('sha512', KEY).update('hello').digest('base64'),
      algorithm: 'sha512',
    });
  });

  it('verifies its own signatures and rejects others', async () => {
    const ctx = withKey();
    const { signature } = await callAction(hmacSigner, ctx, 'sign', { payload: 'body' });
    await expect(callAction(hmacSigner, ctx, 'verify', { payload: 'body', signature })).resolves.toEqual({
      valid: true,
    });
    await expect(callAction(hmacSigner, ctx, 'verify', { payload: 'body!', signature })).resolves.toEqual({
      valid: false,
    });
    await expect(
      callAction(hmacSigner, ctx, 'verify', { payload: 'body', signature: 'short' }),
    ).resolves.toEqual({
      valid: false,
    });
  });

  it('throws CredentialsMissing when the key is not set', async () => {
    const ctx = createTestContext({ manifest: hmacSigner.manifest });
    await expect(callAction(hmacSigner, ctx, 'sign', { payload: 'x' })).rejects.toMatchObject({
      code: 'CredentialsMissing',
      status: 409,
    });
  });

  it('never puts the key in an answer or a log', async () => {
    const ctx = withKey();
    const signed = await callAction(hmacSigner, ctx, 'sign', { payload: KEY });
    const checked = await callAction(hmacSigner, ctx, 'verify', { payload: 'x', signature: 'y' });
    expect(JSON.stringify([signed, checked, ctx.logs])).not.toContain(KEY.slice(0, 12));
    expect(ctx.logs.length).toBeGreaterThan(0);
  });

  it('declares its key as a secret credential', () => {
    expect(hmacSigner.manifest.authType).toBe('api_token');
    expect(hmacSigner.manifest.credentials).toEqual([
      expect.objectContaining({ name: 'signingKey', secret: true }),
    ]);
  });
});
