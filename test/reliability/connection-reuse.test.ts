import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';

let pb: TestPlatform;
beforeAll(async () => {
  pb = await startTestPlatform();
});
afterAll(async () => {
  await pb?.close();
});

const BODY = JSON.stringify({ text: 'x'.repeat(300_000) });

describe('a kept-alive connection after a refused body', () => {
  // Found by the fuzzer: the next request on the connection failed with "other side closed".
  it.each([
    ['no route', '/v1/nope', 404],
    ['a wrong method', '/v1/health', 405],
  ])('serves the next request after %s refused a body unread', async (_, path, status) => {
    let failures = 0;
    for (let i = 0; i < 10; i++) {
      const refused = await fetch(`${pb.platform.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${pb.platform.token}`, 'content-type': 'application/json' },
        body: BODY,
      });
      expect(refused.status).toBe(status);
      expect(refused.headers.get('connection')).toBe('close');
      await refused.text();
      await fetch(`${pb.platform.url}/v1/health`)
        .then((r) => r.text())
        .catch(() => failures++);
    }
    expect(failures).toBe(0);
  });
});
