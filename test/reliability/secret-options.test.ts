import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';
import { RELIABILITY_PLUGINS } from './scenarios/events-under-faults';

let pb: TestPlatform;
beforeAll(async () => {
  pb = await startTestPlatform({ pluginsDir: RELIABILITY_PLUGINS });
  expect((await pb.call('POST', '/v1/instances', { name: 'leak', plugin: 'leaky' })).status).toBe(201);
});
afterAll(async () => {
  await pb?.close();
});

describe('an option of the secret type', () => {
  // Found by the secrets canary: refused as an option ("set it with credentials") and as a credential.
  it('is set through the credentials and listed by name only', async () => {
    const put = await pb.call('PUT', '/v1/instances/leak/credentials', {
      values: { apiKey: 'key-0123456789', token: 'secret-option-0123456789' },
    });
    expect(put.status).toBe(200);
    expect((await pb.call('GET', '/v1/instances/leak')).body.credentialsSet.sort()).toEqual([
      'apiKey',
      'token',
    ]);
    const answer = await pb.call('POST', '/v1/instances/leak/actions/answer', {});
    expect(answer.status).toBe(200);
    expect(answer.text).not.toContain('secret-option-0123456789');
    expect(answer.body.result.text).toBe('key=********,********');
  });
});
