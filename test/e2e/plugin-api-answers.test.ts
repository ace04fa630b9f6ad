import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './harness';

/**
 * A process plugin, in Node so that no other language is needed, whose http answer is the one its
 * request's path names: each is what a plugin outside the platform's runtime may answer.
 */
const MAIN = `
import { createInterface } from 'node:readline';
const manifest = { slug: 'http-answers', name: 'HTTP answers', version: '1.0.0', apiVersion: 1 };
if (process.argv.includes('--manifest')) {
  process.stdout.write(JSON.stringify(manifest) + '\\n');
  process.exit(0);
}
const ANSWERS = {
  '/no-content': { status: 204, headers: {}, body: '' },
  '/not-modified': { status: 304, headers: { etag: '"a"' }, body: '' },
  '/no-body': { status: 200, headers: {} },
  '/bad-status': { status: 99, headers: {}, body: '' },
  '/bad-header': { status: 200, headers: { 'bad name': 'x' }, body: '' },
  '/not-a-response': 'hello',
};
createInterface({ input: process.stdin }).on('line', (line) => {
  const { input } = JSON.parse(line);
  process.stdout.write(JSON.stringify({ ok: true, result: ANSWERS[input.path] }) + '\\n');
});
`;

describe("a process plugin's http answer", () => {
  let dir: string;
  let pb: TestPlatform;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plugboard-http-answers-'));
    const plugin = join(dir, 'http-answers');
    await mkdir(plugin);
    await writeFile(join(plugin, 'plugboard.json'), JSON.stringify({ command: ['node', 'main.mjs'] }));
    await writeFile(join(plugin, 'main.mjs'), MAIN);
    pb = await startTestPlatform({
      pluginsDir: join(import.meta.dirname, '../fixtures/fault-plugins'),
      processPluginsDir: dir,
    });
    await pb.createInstance('answers', 'http-answers');
  }, 60_000);
  afterAll(async () => {
    await pb?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is sent on when it is a response, a 204 and a 304 without a body among them', async () => {
    expect((await pb.call('GET', '/v1/plugin-apis/answers/no-content')).status).toBe(204);
    const notModified = await pb.call('GET', '/v1/plugin-apis/answers/not-modified');
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('etag')).toBe('"a"');
  });

  it.each([
    ['/no-body', '/result/body Required: expected string'],
    ['/bad-status', '/result/status Too small: expected number to be >=200'],
    ['/bad-header', '/result/headers must be header names and values HTTP allows'],
    ['/not-a-response', '/result Invalid input: expected object, received string'],
  ])('%s is the plugin failing (502), naming what is not a response, not a 500', async (path, named) => {
    const res = await pb.call('GET', `/v1/plugin-apis/answers${path}`);
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      code: 'PluginFailed',
      detail: `the plugin's http answer is not a response: ${named}`,
    });
  });
});
