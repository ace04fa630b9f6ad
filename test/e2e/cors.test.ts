import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killGroup, spawnPlatform } from './child-platform-process';
import { type ApiResponse, startTestPlatform, type TestPlatform } from './harness';

const CONSOLE = 'https://console.example.com';
const OTHER = 'https://evil.example.com';
const corsHeaders = (res: ApiResponse) =>
  Object.fromEntries([...res.headers].filter(([name]) => name.startsWith('access-control-')));
const preflight = (origin: string, method = 'POST') => ({
  origin,
  'access-control-request-method': method,
  'access-control-request-headers': 'authorization, content-type, if-match',
  // Browsers send no credentials on a preflight.
  authorization: '',
});

describe('CORS on the local platform (plugboard start --cors-origin)', () => {
  let pb: TestPlatform;
  beforeAll(async () => {
    // Typed with a capital and a trailing slash: the platform compares what browsers send.
    pb = await startTestPlatform({ corsOrigins: ['https://Console.example.com/'] });
  });
  afterAll(async () => {
    await pb?.close();
  });

  it('answers a preflight from an allowed origin with 204 and every CORS header, without a token', async () => {
    const res = await pb.call('OPTIONS', '/v1/instances/some-name', undefined, preflight(CONSOLE, 'PATCH'));
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const cors = corsHeaders(res);
    expect(cors['access-control-allow-origin']).toBe(CONSOLE);
    expect(cors['access-control-allow-methods']?.split(', ')).toEqual(
      expect.arrayContaining(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']),
    );
    expect(cors['access-control-allow-headers']?.split(', ')).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'if-match', 'idempotency-key']),
    );
    expect(cors['access-control-expose-headers']?.split(', ')).toEqual(
      expect.arrayContaining(['etag', 'x-request-id', 'location', 'retry-after']),
    );
    expect(Number(cors['access-control-max-age'])).toBeGreaterThan(0);
    expect(cors).not.toHaveProperty('access-control-allow-credentials');
    expect(res.headers.get('vary')).toBe('Origin');
  });

  it('refuses a preflight from another origin with a problem and no CORS header', async () => {
    const res = await pb.call('OPTIONS', '/v1/plugins', undefined, preflight(OTHER, 'GET'));
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.body.code).toBe('Forbidden');
    expect(corsHeaders(res)).toEqual({});
  });

  it('puts Allow-Origin, Expose-Headers and Vary on actual responses to the allowed origin', async () => {
    const created = await pb.call(
      'POST',
      '/v1/instances',
      { name: 'echo-cors', plugin: 'echo' },
      { origin: CONSOLE },
    );
    expect(created.status).toBe(201);
    expect(corsHeaders(created)).toEqual({
      'access-control-allow-origin': CONSOLE,
      'access-control-expose-headers': 'allow, etag, location, retry-after, www-authenticate, x-request-id',
    });
    expect(created.headers.get('vary')).toMatch(/\bOrigin\b/);
    const passthrough = await pb.call('GET', '/v1/plugin-apis/echo-cors/anything', undefined, {
      origin: CONSOLE,
    });
    expect(passthrough.status).toBe(200);
    expect(passthrough.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    // An action answers with the request id in the headers it is made with; CORS adds to them.
    const acted = await pb.call(
      'POST',
      '/v1/instances/echo-cors/actions/echo',
      { params: {} },
      { origin: CONSOLE },
    );
    expect(acted.status).toBe(200);
    expect(corsHeaders(acted)).toEqual(corsHeaders(created));
    expect(acted.headers.get('x-request-id')).toBe(acted.body.requestId);
    expect(acted.headers.get('content-type')).toBe('application/json');
  });

  it('puts them on problems too: a 401 from auth, a 404, a 405, a 412', async () => {
    const unauthenticated = await pb.call('GET', '/v1/plugins', undefined, {
      origin: CONSOLE,
      authorization: '',
    });
    const notFound = await pb.call('GET', '/v1/instances/no-such-one', undefined, { origin: CONSOLE });
    const notAllowed = await pb.call('PUT', '/v1/plugins', undefined, { origin: CONSOLE });
    const conflict = await pb.call(
      'PATCH',
      '/v1/instances/echo-cors',
      { order: 3 },
      { origin: CONSOLE, 'if-match': '"999"' },
    );
    for (const [res, status] of [
      [unauthenticated, 401],
      [notFound, 404],
      [notAllowed, 405],
      [conflict, 412],
    ] as const) {
      expect(res.status, res.text).toBe(status);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('access-control-allow-origin')).toBe(CONSOLE);
      expect(res.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
      expect(res.headers.get('vary')).toMatch(/\bOrigin\b/);
    }
    expect(unauthenticated.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('sends no CORS header to another origin, or to a caller that sends no Origin', async () => {
    const allowed = await pb.call('GET', '/v1/plugins', undefined, { origin: CONSOLE });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    const callers: Record<string, string>[] = [
      { origin: OTHER },
      { origin: 'https://console.example.com/' },
      {},
    ];
    for (const headers of callers) {
      const res = await pb.call('GET', '/v1/plugins', undefined, headers);
      expect(res.status).toBe(200);
      expect(corsHeaders(res)).toEqual({});
    }
  });

  it('keeps a bare OPTIONS (no Access-Control-Request-Method) a 405 naming the methods', async () => {
    const res = await pb.call('OPTIONS', '/v1/plugins', undefined, { origin: CONSOLE });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(res.headers.get('access-control-allow-origin')).toBe(CONSOLE);
  });
});

describe('the local platform without CORS origins (the default)', () => {
  let pb: TestPlatform;
  beforeAll(async () => {
    pb = await startTestPlatform();
  });
  afterAll(async () => {
    await pb?.close();
  });

  it('answers a preflight as any OPTIONS, 405, and never sends a CORS header', async () => {
    const res = await pb.call('OPTIONS', '/v1/plugins', undefined, {
      ...preflight(CONSOLE, 'GET'),
      authorization: `Bearer ${pb.platform.token}`,
    });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(corsHeaders(res)).toEqual({});
    const get = await pb.call('GET', '/v1/plugins', undefined, { origin: CONSOLE });
    expect(get.status).toBe(200);
    expect(corsHeaders(get)).toEqual({});
    expect(get.headers.get('vary')).toBeNull();
  });
});

describe('plugboard start', () => {
  const PLUGINS = join(import.meta.dirname, '../fixtures/event-plugins');
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterAll(async () => {
    await Promise.all(children.map(killGroup));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const start = (more: Parameters<typeof spawnPlatform>[2]) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-cors-'));
    dirs.push(dataDir);
    const { child, url } = spawnPlatform(dataDir, PLUGINS, more);
    children.push(child);
    return url;
  };
  const allowOrigin = async (url: string, origin: string) => {
    const res = await fetch(`${url}/v1/health`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET' },
      signal: AbortSignal.timeout(10_000),
    });
    return [res.status, res.headers.get('access-control-allow-origin')];
  };

  it('takes --cors-origin, repeated, over PLUGBOARD_CORS_ORIGINS', async () => {
    const url = await start({
      args: ['--cors-origin', CONSOLE, '--cors-origin', 'http://127.0.0.1:5173'],
      env: { PLUGBOARD_CORS_ORIGINS: OTHER },
    });
    expect(await allowOrigin(url, CONSOLE)).toEqual([204, CONSOLE]);
    expect(await allowOrigin(url, 'http://127.0.0.1:5173')).toEqual([204, 'http://127.0.0.1:5173']);
    expect(await allowOrigin(url, OTHER)).toEqual([403, null]);
  }, 60_000);

  it('takes PLUGBOARD_CORS_ORIGINS when no flag is given', async () => {
    const url = await start({ env: { PLUGBOARD_CORS_ORIGINS: `${OTHER}, ${CONSOLE}` } });
    expect(await allowOrigin(url, CONSOLE)).toEqual([204, CONSOLE]);
    expect(await allowOrigin(url, OTHER)).toEqual([204, OTHER]);
  }, 60_000);

  it('refuses an origin that is not one, naming it', async () => {
    await expect(start({ args: ['--cors-origin', '*'] })).rejects.toThrow(/CORS origin "\*" is a wildcard/);
  }, 60_000);
});
