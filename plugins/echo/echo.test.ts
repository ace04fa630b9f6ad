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
    // @ts-expect-error the undeclared param is the fault under test; the type refuses it too
    await expect(callAction(echo, ctx, 'echo', { other: 1 })).rejects.toMatchObject({ code: 'Validation' });
  });

  it('accepts an event delivery and does nothing with it', async () => {
    const ctx = createTestContext({ manifest: echo.manifest });
    const event = {
      version: '0' as const,
      id: 'e1',
      'detail-type': 'Thing Happened',
      source: 'acme',
      account: '0',
      time: '2026-01-01T00:00:00Z',
      region: 'local',
      resources: [],
      detail: {},
    };
    await expect(
      Promise.resolve(
        echo.events?.(ctx, { event, idempotencyKey: 'e1:s1', subscriptionId: 's1', attempt: 1 }),
      ),
    ).resolves.toBeUndefined();
    expect(echo.events).toBeTypeOf('function');
  });

  it('describes the request its http handler gets', async () => {
    const ctx = createTestContext({ manifest: echo.manifest });
    const request = new Request('http://plugin.local/orders/42?expand=items', { method: 'PUT', body: 'x' });
    const response = await echo.http!(ctx, request);
    expect(response.headers.get('x-echo')).toBe('plugboard');
    expect(await response.json()).toMatchObject({
      method: 'PUT',
      path: '/orders/42',
      query: { expand: 'items' },
      body: 'x',
    });
  });
});
