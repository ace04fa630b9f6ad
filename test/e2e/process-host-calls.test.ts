import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED } from '../../lib/core/runtime/redact';
import { MAX_LINE_BYTES } from '../../lib/local/process/process-invoker';
import type { PlatformEvent } from '../../lib/sdk/events';
import { standInConfig } from '../contract/aws-stand-ins';
import { startTestPlatform, type TestPlatform } from './harness';
import { waitFor } from './wait-for';

/** Skipped, under a name saying why, where python3 is not on PATH. */
const hasPython = spawnSync('python3', ['--version']).status === 0;
const CANARY = `canary-process-${randomUUID()}`;

describe.skipIf(!hasPython)("a process plugin's calls to the platform (needs python3)", () => {
  let pb: TestPlatform;
  beforeAll(async () => {
    pb = await startTestPlatform({
      pluginsDir: `${import.meta.dirname}/../fixtures/fault-plugins`,
      processPluginsDir: `${import.meta.dirname}/../fixtures/process-plugins`,
    });
    expect(pb.platform.processPlugins.errors).toEqual([]);
    await pb.createInstance('leaky-1', 'py-leaky');
    const put = await pb.call('PUT', '/v1/instances/leaky-1/credentials', { values: { token: CANARY } });
    expect(put.status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await pb?.close();
  });
  const act = (name: string, params: Record<string, unknown> = {}) =>
    pb.call('POST', `/v1/instances/leaky-1/actions/${name}`, { params });
  const events = async (from: string): Promise<PlatformEvent[]> =>
    (await pb.call('GET', `/v1/events/log?from=${encodeURIComponent(from)}&limit=1000`)).body.events;
  const pid = async (): Promise<number> => {
    const res = await act('pid');
    expect(res.status).toBe(200);
    return res.body.result;
  };

  it('scrub a credential the plugin answers, logs and publishes, even one it kept from an earlier call', async () => {
    const from = new Date(Date.now() - 1_000).toISOString();
    const answered = { token: REDACTED, quoted: `token=${REDACTED}` };
    for (const params of [{}, { cached: true }]) {
      const leaked = await act('leak', params);
      expect(leaked.status).toBe(200);
      expect(leaked.body.result).toEqual(answered);
    }
    const refused = await act('leak', { fail: true });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toBe(`token ${REDACTED} refused`);

    await waitFor(async () => pb.logLines.filter((l) => l.includes('the token is')).length === 3);
    for (const line of pb.logLines.filter((l) => l.includes('the token is')))
      expect(JSON.parse(line).message).toBe(`the token is ${REDACTED}`);
    const leakedEvents = (await events(from)).filter((e) => e['detail-type'] === 'Token Leaked');
    expect(leakedEvents).toHaveLength(3);
    for (const event of leakedEvents) {
      expect(event.source).toBe('plugboard.plugin.py-leaky');
      expect(event.detail).toEqual({
        token: REDACTED,
        nested: { quoted: `token=${REDACTED}` },
        instance: 'leaky-1',
      });
    }
    const everything = [...pb.seen, ...pb.logLines, JSON.stringify(await events(from))].join('\n');
    expect(everything).not.toContain(CANARY);
  });

  it.each([
    ["another plugin's credentials", 'credentials', { ref: 'plugboard/local/py-echo/leaky-1' }, 'ref'],
    ["another instance's store", 'store.get', { key: 'k', instance: 'other' }, 'instance'],
    ["another generation's store", 'store.put', { key: 'k', value: 1, generation: 'g0' }, 'generation'],
    ['another source', 'publish', { detailType: 'Spoofed', detail: {}, source: 'plugboard' }, 'source'],
  ])(
    'refuse a call for %s, naming what was refused, and the process serves on',
    async (_what, method, params, named) => {
      const from = new Date(Date.now() - 1_000).toISOString();
      const before = await pid();
      const res = await act('ask', { method, params: JSON.stringify(params) });
      expect(res.status).toBe(200);
      expect(res.body.result.refused).toEqual({
        code: 'PluginFailed',
        message: expect.stringMatching(
          new RegExp(`^ctx\\.${method.replace('.', '\\.')} was refused: .*${named}`),
        ),
      });
      expect(await pid()).toBe(before);
      expect((await events(from)).filter((e) => e['detail-type'] === 'Spoofed')).toEqual([]);
    },
  );

  it("fail an envelope naming another plugin's credentials, whether the process answers or dies", async () => {
    const lambda = new LambdaClient(standInConfig(pb.platform.url));
    const invoke = async (name: string) => {
      const envelope = {
        v: 1,
        kind: 'action',
        plugin: 'py-leaky',
        instance: 'leaky-1',
        name,
        input: {},
        credentialsRef: 'plugboard/local/py-echo/leaky-1',
        requestId: `foreign-${name}`,
        deadline: Date.now() + 5_000,
      };
      const out = await lambda.send(
        new InvokeCommand({
          FunctionName: 'plugboard-local-py-leaky',
          Payload: new TextEncoder().encode(JSON.stringify(envelope)),
        }),
      );
      return JSON.parse(new TextDecoder().decode(out.Payload));
    };
    try {
      expect(await invoke('leak')).toEqual({
        ok: false,
        error: { code: 'PluginFailed', message: "the instance's credentials could not be read" },
      });
      // Ended before it answers: nothing is left waiting on the refused credentials.
      expect(await invoke('endless')).toMatchObject({
        errorMessage: `the plugin wrote a line over ${MAX_LINE_BYTES} bytes to stdout`,
      });
      expect((await act('pid')).status).toBe(200);
    } finally {
      lambda.destroy();
    }
  });

  it('refuse a method the platform does not have', async () => {
    const res = await act('ask', { method: 'secrets.get' });
    expect(res.body.result.refused).toEqual({
      code: 'PluginFailed',
      message: expect.stringContaining('there is no method "secrets.get"'),
    });
  });

  it('serve the store within the envelope: what one call put, the next call of the instance reads', async () => {
    const put = await act('ask', {
      method: 'store.put',
      params: JSON.stringify({ key: 'k', value: { n: 1 } }),
    });
    expect(put.body.result.result).toMatchObject({ key: 'k', value: { n: 1 } });
    const got = await act('ask', { method: 'store.get', params: JSON.stringify({ key: 'k' }) });
    expect(got.body.result.result).toMatchObject({ key: 'k', value: { n: 1 } });
  });

  it('end a process that calls while it has no envelope to handle, and serve the next call', async () => {
    const before = await pid();
    expect((await act('stray')).status).toBe(200);
    // The stray call comes after the answer: the next envelope must not be sent before it is read.
    await sleep(300);
    expect(await pid()).not.toBe(before);
  });

  it('refuse a call over 6 MB and serve on; end a process whose line never ends, and serve the next call', async () => {
    const before = await pid();
    const big = await act('big_call');
    expect(big.body.result.refused).toEqual({
      code: 'PluginFailed',
      message: "ctx.store.put was refused: its line is larger than Lambda's 6 MB limit",
    });
    expect(await pid()).toBe(before);
    const endless = await act('endless');
    expect(endless.status).toBe(502);
    expect(endless.body.detail).toBe(`the plugin wrote a line over ${MAX_LINE_BYTES} bytes to stdout`);
    expect(await pid()).not.toBe(before);
  });

  it('never crash the platform or answer a 5xx but PluginFailed for a malformed call line', async () => {
    const line = fc.oneof(
      fc.string(),
      fc.json().map((call) => `{"call":${call}}`),
      fc
        .record(
          { v: fc.constantFrom(1, 2, '1'), id: fc.anything(), method: fc.anything(), params: fc.anything() },
          { requiredKeys: [] },
        )
        .map((call) => JSON.stringify({ call })),
      fc.json().map((rest) => `{"call":{"v":1,"id":1,"method":"store.get"},"extra":${rest}}`),
    );
    await fc.assert(
      fc.asyncProperty(line, async (text) => {
        const res = await act('raw', { line: text });
        expect(res.status === 502 || res.status < 500, `${res.status} for ${text}: ${res.text}`).toBe(true);
        if (res.status === 502) expect(res.body.code).toBe('PluginFailed');
        expect((await act('pid')).status).toBe(200);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
