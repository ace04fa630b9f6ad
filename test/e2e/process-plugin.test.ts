import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admitProcessPlugins, readProcessPlugins } from '../../lib/local/process/process-plugins';
import { startTestPlatform, type TestPlatform } from './harness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Both suites are skipped, under names saying why, where python3 is not on PATH. */
const hasPython = spawnSync('python3', ['--version']).status === 0;
const EXTERNAL = join(import.meta.dirname, '../../plugins-external');

describe.skipIf(!hasPython)('a plugin in Python, served through the process adapter (needs python3)', () => {
  let pb: TestPlatform;
  beforeAll(async () => {
    pb = await startTestPlatform({
      pluginsDir: join(import.meta.dirname, '../fixtures/fault-plugins'),
      processPluginsDir: EXTERNAL,
    });
    expect((await pb.call('POST', '/v1/instances', { name: 'py-1', plugin: 'py-echo' })).status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await pb?.close();
  });
  const act = (name: string, params: unknown = {}) =>
    pb.call('POST', `/v1/instances/py-1/actions/${name}`, { params });

  it('lists the plugin with the manifest its program printed, validated like any other', async () => {
    expect(pb.platform.processPlugins.errors).toEqual([]);
    const res = await pb.call('GET', '/v1/plugins/py-echo');
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('Python echo');
  });

  it('runs an action in the Python process', async () => {
    const res = await act('echo', { message: 'hi' });
    expect(res.status).toBe(200);
    expect(res.body.result).toEqual({ message: 'hi', runtime: expect.stringMatching(/^python 3\./) });
  });

  it('checks params against the manifest before the process sees them', async () => {
    expect((await act('echo', { message: 42 })).status).toBe(400);
  });

  it('answers 502 when the process exits, and starts a new one on the next call', async () => {
    expect((await act('crash')).status).toBe(502);
    expect((await act('echo', { message: 'again' })).body.result.message).toBe('again');
  });

  it('answers 504 when a call outlives its deadline, and the next call succeeds', async () => {
    const started = Date.now();
    expect((await act('sleep')).status).toBe(504);
    expect(Date.now() - started).toBeLessThan(4_000);
    expect((await act('echo', { message: 'after' })).status).toBe(200);
  });

  it("signs with the instance's credential, which it reads through a host call", async () => {
    expect((await act('sign', { message: 'm' })).body.code).toBe('CredentialsMissing');
    const key = 'py-echo-key-0123456789';
    expect((await pb.call('PUT', '/v1/instances/py-1/credentials', { values: { apiKey: key } })).status).toBe(
      200,
    );
    const signed = await act('sign', { message: 'm' });
    expect(signed.status).toBe(200);
    expect(signed.body.result.signature).toBe(createHmac('sha256', key).update('m').digest('hex'));
  });

  it("keeps notes in the instance's store and publishes an event for each", async () => {
    const from = new Date(Date.now() - 1_000).toISOString();
    expect((await act('remember', { key: 'note/1', text: 'hello' })).body.result).toMatchObject({
      key: 'note/1',
      value: { text: 'hello' },
    });
    expect((await act('recall', { prefix: 'note/' })).body.result).toEqual({
      notes: { 'note/1': { text: 'hello' } },
    });
    const log = await pb.call('GET', `/v1/events/log?from=${encodeURIComponent(from)}&limit=1000`);
    expect(
      log.body.events.filter((e: { source: string }) => e.source === 'plugboard.plugin.py-echo'),
    ).toEqual([
      expect.objectContaining({
        'detail-type': 'Note Remembered',
        detail: { key: 'note/1', instance: 'py-1' },
      }),
    ]);
    const refused = await act('remember', { key: '', text: 'x' });
    expect(refused.status).toBe(502);
    expect(refused.body.detail).toMatch(/^ctx\.store\.put was refused: .*must not be empty/);
  });

  it('is a Lambda function to the AWS SDK too', async () => {
    const lambda = new LambdaClient({
      endpoint: pb.platform.url,
      region: 'local',
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' },
    });
    const envelope = {
      v: 1,
      kind: 'action',
      plugin: 'py-echo',
      instance: 'py-1',
      name: 'echo',
      input: { message: 'sdk' },
      requestId: 'r-py',
      deadline: Date.now() + 2_000,
    };
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: 'plugboard-local-py-echo',
        Payload: new TextEncoder().encode(JSON.stringify(envelope)),
      }),
    );
    lambda.destroy();
    expect(JSON.parse(new TextDecoder().decode(out.Payload))).toMatchObject({
      ok: true,
      result: { message: 'sdk' },
    });
  });
});

describe.skipIf(!hasPython)('loading process plugins (needs python3)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'process-plugins-'));
    const plugin = async (name: string, command: unknown, script?: string) => {
      await mkdir(join(dir, name));
      await writeFile(join(dir, name, 'plugboard.json'), JSON.stringify({ command }));
      if (script) await writeFile(join(dir, name, 'main.py'), script);
    };
    await plugin(
      'a-bad-manifest',
      ['python3', 'main.py'],
      'import json; print(json.dumps({"slug": "Bad Slug"}))',
    );
    await plugin('b-no-program', ['no-such-program-here']);
    await plugin('c-not-json', ['python3', 'main.py'], 'print("hello")');
    await plugin(
      'd-taken',
      ['python3', 'main.py'],
      'import json; print(json.dumps({"slug": "echo", "name": "E", "version": "1.0.0", "apiVersion": 1}))',
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports each broken plugin and loads none of them', async () => {
    const report = await admitProcessPlugins(
      await readProcessPlugins(dir),
      new Map([['echo', join(dir, 'echo')]]),
    );
    expect(report.loaded).toEqual([]);
    expect(report.errors.map((e) => [e.dir.split(/[\\/]/).pop(), e.message])).toEqual([
      ['a-bad-manifest', expect.stringContaining('the manifest is not valid')],
      ['b-no-program', expect.stringContaining('was not found')],
      ['c-not-json', expect.stringContaining('did not print one JSON object')],
      ['d-taken', expect.stringContaining('duplicate slug "echo"')],
    ]);
  });

  it('loads the Python example', async () => {
    const report = await admitProcessPlugins(await readProcessPlugins(EXTERNAL));
    expect(report.loaded.map((p) => p.slug)).toEqual(['py-echo']);
  });
});
