import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { killGroup, spawnPlatform } from './child-platform-process';

const PLUGINS = join(import.meta.dirname, '../fixtures/event-plugins');
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) void killGroup(child);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * `npm start` in its own process group, as a terminal runs it,
 * with a slow-audit instance whose `wait` action takes `delayMs`.
 */
async function startPlatform(delayMs: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-signals-'));
  dirs.push(dataDir);
  const { child, url: serving } = spawnPlatform(dataDir, PLUGINS);
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await serving;
  const token = readFileSync(join(dataDir, 'token'), 'utf8').trim();
  const call = (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
  const created = await call('/v1/instances', { name: 'slow', plugin: 'slow-audit', options: { delayMs } });
  expect(created.status).toBe(201);
  return {
    /** The wait action, settled as its status or 'cut'. */
    wait: () =>
      call('/v1/instances/slow/actions/wait', {}).then(
        (response) => response.status,
        () => 'cut' as const,
      ),
    /** Ctrl-C from a terminal: SIGINT to the whole process group, which npm also relays. */
    interrupt: () => process.kill(-child.pid!, 'SIGINT'),
    exited,
    output: () => output,
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('plugboard start under Ctrl-C', () => {
  it('lets a request under way finish, though the one Ctrl-C arrives relayed several times', async () => {
    const platform = await startPlatform(1_500);
    const waiting = platform.wait();
    await pause(400);
    platform.interrupt();
    expect(await waiting).toBe(200);
    await platform.exited;
    expect(platform.output()).toContain('Stopping: requests under way get up to 10 s to finish');
  }, 60_000);

  it('stops at once on a second Ctrl-C', async () => {
    const platform = await startPlatform(15_000);
    const waiting = platform.wait();
    await pause(400);
    platform.interrupt();
    await pause(1_500);
    const second = performance.now();
    platform.interrupt();
    await platform.exited;
    expect(performance.now() - second).toBeLessThan(5_000);
    expect(await waiting).toBe('cut');
  }, 60_000);
});
