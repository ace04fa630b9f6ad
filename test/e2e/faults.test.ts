import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';

let pb: TestPlatform;

beforeAll(async () => {
  pb = await startTestPlatform({ pluginsDir: join(import.meta.dirname, '../fixtures/fault-plugins') });
  expect((await pb.call('POST', '/v1/instances', { name: 'f', plugin: 'faulty' })).status).toBe(201);
});
afterAll(async () => {
  await pb?.close();
});

const act = (name: string) => pb.call('POST', `/v1/instances/f/actions/${name}`, {});
const STACK_LINE = /\bat .+:\d+:\d+|node:internal|\/[\w.-]+\/[\w.-]+\.(ts|js|mjs)\b/;

describe('plugin faults through the HTTP API', () => {
  it('a plugin that throws gives 502 with a requestId and no stack or path', async () => {
    const res = await act('throw');
    expect(res.status).toBe(502);
    expect(res.body.requestId).toEqual(expect.any(String));
    expect(res.headers.get('x-request-id')).toBe(res.body.requestId);
    expect(res.text).not.toMatch(STACK_LINE);
    expect((await act('ok')).status).toBe(200);
  });

  it('a plugin that hangs gives 504 within its timeout plus one second, and the next call succeeds', async () => {
    const started = Date.now();
    const res = await act('hang');
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await act('ok')).status).toBe(200);
  });

  it('a plugin that calls process.exit gives 502 and the platform keeps serving', async () => {
    const res = await act('exit');
    expect(res.status).toBe(502);
    expect((await act('ok')).status).toBe(200);
    expect((await pb.call('GET', '/v1/health')).status).toBe(200);
  });

  it('RateLimited gives 429 with Retry-After', async () => {
    const res = await act('rate_limited');
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('an answer over 6 MB gives 502', async () => {
    const res = await act('huge');
    expect(res.status).toBe(502);
    expect(res.body.detail).toContain('6 MB');
  });
});

describe('requests the HTTP parser refuses', () => {
  it('answers a URL over 16 KB with a 431 problem, and keeps serving', async () => {
    const res = await fetch(`${pb.platform.url}/v1/instances/${'a'.repeat(20_000)}`, {
      headers: { authorization: `Bearer ${pb.platform.token}` },
    });
    expect(res.status).toBe(431);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({
      status: 431,
      code: 'HeadersTooLarge',
      requestId: expect.any(String),
    });
    expect((await pb.call('GET', '/v1/health')).status).toBe(200);
  });
});
