import { callAction, createTestContext } from 'plugboard/testing';
import { describe, expect, it } from 'vitest';
import { checkPlugin } from '../../lib/core/loader';
import echo from './index';

describe('echo', () => {
  it('passes the loader', () => {
    expect(checkPlugin(echo)).toMatchObject({ ok: true });
  });

  it('returns its params', async () => {
    const ctx = createTestContext({ manifest: echo.manifest });
    await expect(callAction(echo, ctx, 'echo', { message: 'hello' })).resolves.toEqual({ message: 'hello' });
    await expect(callAction(echo, ctx, 'echo')).resolves.toEqual({});
  });

  it('rejects params it does not declare', async () => {
    const ctx = createTestContext({ manifest: echo.manifest });
    await expect(callAction(echo, ctx, 'echo', { other: 1 })).rejects.toMatchObject({ code: 'Validation' });
  });
});
