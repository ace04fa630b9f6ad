import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killGroup, platformCaller, spawnPlatform } from './child-platform-process';
import { waitFor } from './wait-for';

/** echo, audit-log, and hoarder, whose action and event deliveries abort the platform's process. */
const PLUGINS = join(import.meta.dirname, '../fixtures/abort-plugins');
const RESTART_LINE = "the platform process aborted (SIGABRT): a plugin's worker";
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(async () => {
  await Promise.all(children.map(killGroup));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** `npm start` (or the CLI) on a data folder of its own, its output kept; resolves once it serves. */
async function start(cli = false) {
  const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-abort-'));
  dirs.push(dataDir);
  const { child, url: serving } = spawnPlatform(dataDir, PLUGINS, { cli });
  children.push(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await serving;
  return {
    child,
    url,
    dataDir,
    call: platformCaller(url, dataDir, 10_000),
    exited,
    output: () => output,
  };
}

const answers = (url: string) =>
  fetch(`${url}/v1/health`, { signal: AbortSignal.timeout(2_000) }).then(
    (response) => response.ok,
    () => false,
  );

describe('a plugin that aborts the platform process', () => {
  it('gets the platform restarted on the same port, with its state', async () => {
    const platform = await start();
    expect((await platform.call('POST', '/v1/instances', { name: 'e', plugin: 'echo' })).status).toBe(201);
    expect((await platform.call('POST', '/v1/instances', { name: 'h', plugin: 'hoarder' })).status).toBe(201);

    // The call dies with the process that served it: no answer comes.
    const leak = platformCaller(platform.url, platform.dataDir, 60_000);
    await expect(leak('POST', '/v1/instances/h/actions/leak', {})).rejects.toThrow();
    await waitFor(() => answers(platform.url), 60_000, `the platform to serve again:\n${platform.output()}`);

    expect(platform.output()).toContain(RESTART_LINE);
    expect(platform.output()).toContain('nodejs/node#47224');
    // Named from what the process left behind: its hoarding ran for well over a look's 250 ms.
    expect(platform.output()).toMatch(
      /calls under way then \(those running for 250 ms or more\): plugin "hoarder" \(instance "h", action "leak", running for \d+\.\d s\); restarting/,
    );
    expect((await platform.call('GET', '/v1/instances/e')).status).toBe(200);
    const echoed = await platform.call('POST', '/v1/instances/e/actions/echo', {
      params: { message: 'back' },
    });
    expect(echoed).toEqual({ status: 200, body: expect.objectContaining({ result: { message: 'back' } }) });
  }, 120_000);

  it('dead-letters an event whose delivery aborts it twice, and delivers the events beside it', async () => {
    const platform = await start();
    for (const [name, plugin] of [
      ['h', 'hoarder'],
      ['a', 'audit-log'],
    ])
      expect((await platform.call('POST', '/v1/instances', { name, plugin })).status).toBe(201);
    const subscribe = (source: string, instance: string) =>
      platform.call('POST', '/v1/subscriptions', {
        pattern: { source: [source] },
        instance,
        handler: 'events',
      });
    const poisoned = await subscribe('poison', 'h');
    expect(poisoned.status).toBe(201);
    expect((await subscribe('bystander', 'a')).status).toBe(201);
    // In flight together when the first delivery of the poison aborts the process.
    const entry = (Source: string, i: number) => ({
      Source,
      DetailType: 'Tick',
      Detail: JSON.stringify({ i }),
    });
    const put = await platform.call('POST', '/v1/events', {
      Entries: [entry('bystander', 0), entry('bystander', 1), entry('poison', 2), entry('bystander', 3)],
    });
    expect(put.status).toBe(200);
    const [, , poison] = put.body.Entries.map((e: { EventId: string }) => e.EventId);

    // Delivered alone after the first restart, it aborts again; after the second it is a dead letter.
    const letters = async () => {
      if (platform.child.exitCode !== null) throw new Error(`the supervisor gave up:\n${platform.output()}`);
      return platform.call('GET', '/v1/dlq').then(
        (listed) => listed.body.deadLetters,
        () => [], // the process died under the request
      );
    };
    await waitFor(async () => (await letters()).length > 0, 150_000, 'the poison event to be dead-lettered');
    expect(await letters()).toEqual([
      expect.objectContaining({
        id: `${poison}:${poisoned.body.id}`,
        target: poisoned.body.id,
        attempts: 2,
        reason: expect.stringContaining('the platform process died during its delivery 2 times'),
        event: expect.objectContaining({ id: poison, source: 'poison' }),
      }),
    ]);
    const seen = async () =>
      (await platform.call('POST', '/v1/instances/a/actions/seen', {})).body.result.events;
    await waitFor(async () => (await seen()).length === 3, 30_000, 'the bystanders to be delivered');
    expect((await seen()).map((e: { detail: { i: number } }) => e.detail.i).sort()).toEqual([0, 1, 3]);
    expect(platform.output().split(RESTART_LINE).length - 1).toBe(2);
    expect(platform.output()).toContain('plugin "hoarder" (instance "h", event "events", running for');
    expect(platform.child.exitCode).toBeNull();
    expect(await answers(platform.url)).toBe(true);
  }, 180_000);
});

describe("the platform's supervisor", () => {
  it('stops with the platform on Ctrl-C and exits as it did', async () => {
    const platform = await start(true);
    process.kill(-platform.child.pid!, 'SIGINT');
    expect(await platform.exited).toBe(0);
    expect(platform.output()).toContain('Stopping: requests under way get up to 10 s to finish');
    expect(await answers(platform.url)).toBe(false);
  }, 90_000);

  it('passes a SIGTERM sent to it alone on to the platform', async () => {
    const platform = await start(true);
    platform.child.kill('SIGTERM');
    expect(await platform.exited).toBe(0);
    expect(await answers(platform.url)).toBe(false);
  }, 90_000);

  it('takes the platform with it when it is killed', async () => {
    const platform = await start(true);
    platform.child.kill('SIGKILL');
    await platform.exited;
    await waitFor(async () => !(await answers(platform.url)), 20_000, 'the platform to stop');
  }, 90_000);
});
