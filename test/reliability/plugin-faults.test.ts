import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';
import { RELIABILITY_PLUGINS } from './scenarios/events-under-faults';

let pb: TestPlatform;
beforeAll(async () => {
  pb = await startTestPlatform({ pluginsDir: RELIABILITY_PLUGINS });
  for (const [name, plugin] of [
    ['f', 'faulty'],
    ['e', 'echo'],
  ])
    expect((await pb.call('POST', '/v1/instances', { name, plugin })).status).toBe(201);
});
afterAll(async () => {
  await pb?.close();
});

const STACK_OR_PATH = /\bat .+:\d+:\d+|node:internal|node_modules|\.tsx?\b/;

describe('each plugin fault gives its status and the platform answers the next call to any plugin', () => {
  // `oom` grows in 8 MB steps, within the 16 MB Node grants a worker at its limit, so the worker alone
  // ends. A leak whose last allocation is larger aborts the whole process, this test's with it:
  // test/e2e/platform-abort.test.ts has that one.
  it.each([
    ['throw', 502, 'PluginFailed'],
    ['hang', 504, 'Timeout'],
    ['sleep', 504, 'Timeout'],
    ['exit', 502, 'PluginFailed'],
    ['oom', 502, 'PluginFailed'],
    ['malformed', 502, 'PluginFailed'],
    ['not_json', 502, 'PluginFailed'],
    ['huge', 502, 'PluginFailed'],
    ['unserializable', 502, 'PluginFailed'],
    ['rate_limited', 429, 'RateLimited'],
  ])(
    '%s → %i %s',
    async (action, status, code) => {
      const fault = await pb.call('POST', `/v1/instances/f/actions/${action}`, {});
      expect(fault.status).toBe(status);
      expect(fault.body).toMatchObject({ status, code, requestId: expect.any(String) });
      expect(fault.text).not.toMatch(STACK_OR_PATH);
      const other = await pb.call('POST', '/v1/instances/e/actions/echo', {
        params: { message: 'still here' },
      });
      expect(other.body.result).toEqual({ message: 'still here' });
      expect((await pb.call('POST', '/v1/instances/f/actions/ok', {})).status).toBe(200);
      console.log(
        `plugin fault: ${action} → ${fault.status} ${fault.body.code}; next echo 200, next faulty ok 200`,
      );
    },
    60_000,
  );
});
