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
  it('is described and templated as a credential, and a required one is needed before any call', async () => {
    const plugin = (await pb.call('GET', '/v1/plugins/leaky')).body;
    expect(plugin.schemas.options.properties).not.toHaveProperty('token');
    expect(plugin.schemas.credentials).toMatchObject({
      properties: { token: { type: 'string', writeOnly: true }, apiKey: { type: 'string', writeOnly: true } },
      required: ['apiKey', 'token'],
    });
    const template = (await pb.call('GET', '/v1/plugins/leaky/template')).body;
    expect(template.credentials.values).toEqual({
      apiKey: '<required: API key>',
      token: '<required: A secret option>',
    });
    const created = await pb.call('POST', '/v1/instances', { ...template.instance, name: 'leak-templated' });
    expect(created.status).toBe(201);

    expect((await pb.call('GET', '/v1/instances/leak-templated/credentials')).body.missing).toEqual([
      'apiKey',
      'token',
    ]);
    const put = await pb.call('PUT', '/v1/instances/leak-templated/credentials', {
      values: { apiKey: 'key-0123456789' },
    });
    expect(put.status).toBe(400);
    expect(put.body.errors).toEqual([{ pointer: '/values/token', detail: 'is required' }]);
    const call = await pb.call('POST', '/v1/instances/leak-templated/actions/answer', {});
    expect(call.status).toBe(409);
    expect(call.body).toMatchObject({
      code: 'CredentialsMissing',
      detail: expect.stringContaining('apiKey, token'),
    });
  });

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
