import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killGroup, platformCaller, spawnPlatform } from './child-platform-process';
import { waitFor } from './wait-for';

/** echo, and hoarder, whose action and event deliveries abort the platform's process. */
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
    expect((await platform.call('GET', '/v1/instances/e')).status).toBe(200);
    const echoed = await platform.call('POST', '/v1/instances/e/actions/echo', {
      params: { message: 'back' },
    });
    expect(echoed).toEqual({ status: 200, body: expect.objectContaining({ result: { message: 'back' } }) });
  }, 120_000);

  it('is restarted a bounded number of times when an event it is delivered aborts it again', async () => {
    const platform = await start();
    expect((await platform.call('POST', '/v1/instances', { name: 'h', plugin: 'hoarder' })).status).toBe(201);
    const subscribed = await platform.call('POST', '/v1/subscriptions', {
      pattern: { source: ['poison'] },
      instance: 'h',
      handler: 'events',
    });
    expect(subscribed.status).toBe(201);
    // Logged before it is delivered, so every restart delivers it again, and aborts again.
    const put = await platform.call('POST', '/v1/events', {
      Entries: [{ Source: 'poison', DetailType: 'Hoard', Detail: '{}' }],
    });
    expect(put.status).toBe(200);

    const code = await Promise.race([
      platform.exited,
      new Promise((resolve) => setTimeout(resolve, 150_000)),
    ]);
    expect(code).not.toBe(0);
    expect(code).toEqual(expect.any(Number));
    expect(platform.output().split(RESTART_LINE).length - 1).toBe(3);
    expect(platform.output()).toContain('not restarting it again');
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
