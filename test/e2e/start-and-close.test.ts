import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from '../../lib/cli/program';
import { startTestPlatform } from './harness';

const pluginsDir = fileURLToPath(new URL('../fixtures/event-plugins', import.meta.url));

describe('closing the local platform', () => {
  it('lets requests under way finish and refuses new connections', async () => {
    const pb = await startTestPlatform({ pluginsDir });
    const create = await pb.call('POST', '/v1/instances', {
      name: 'slow',
      plugin: 'slow-audit',
      options: { delayMs: 600 },
    });
    expect(create.status).toBe(201);
    const underWay = pb.call('POST', '/v1/instances/slow/actions/wait', {});
    await new Promise((resolve) => setTimeout(resolve, 200));
    const closing = performance.now();
    const closed = pb.close();
    const answer = await underWay;
    expect(answer.status).toBe(200);
    expect(answer.body.result).toEqual({ waitedMs: 600 });
    await closed;
    // Not held open by the client's kept-alive connection (its keep-alive lasts 5 s).
    expect(performance.now() - closing).toBeLessThan(3_000);
    await expect(fetch(`${pb.platform.url}/v1/health`)).rejects.toThrow();
  });

  it('cuts a request still under way after the grace period', async () => {
    const pb = await startTestPlatform({ pluginsDir, shutdownGraceMs: 100 });
    await pb.call('POST', '/v1/instances', {
      name: 'slow',
      plugin: 'slow-audit',
      options: { delayMs: 5_000 },
    });
    const underWay = pb.call('POST', '/v1/instances/slow/actions/wait', {}).then(
      () => 'answered',
      () => 'cut',
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = performance.now();
    await pb.close();
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(await underWay).toBe('cut');
  });
});

describe('starting the local platform', () => {
  it('refuses a port in use with one line saying what to do, not a stack', async () => {
    const taken = createServer();
    await new Promise<void>((ready) => taken.listen(0, '127.0.0.1', ready));
    const { port } = taken.address() as { port: number };
    const printed: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation((line: string) => void printed.push(line));
    try {
      await runCli(['node', 'plugboard', 'start', '--memory', '--no-watch', '--port', String(port)]);
      expect(process.exitCode).toBe(1);
      expect(printed).toEqual([
        `plugboard: 127.0.0.1:${port} is in use (another Plugboard?): stop it, or start with --port <port> (0 picks a free one)`,
      ]);
    } finally {
      error.mockRestore();
      process.exitCode = undefined;
      taken.close();
    }
  });

  it('refuses a data folder another platform has open, and leaves that one serving', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'plugboard-held-'));
    const first = await startTestPlatform({ pluginsDir, memory: false, dataDir });
    const printed: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation((line: string) => void printed.push(line));
    try {
      const created = await first.call('POST', '/v1/instances', { name: 'kept', plugin: 'slow-audit' });
      expect(created.status).toBe(201);
      await runCli(['node', 'plugboard', 'start', '--data', dataDir, '--no-watch', '--port', '0']);
      expect(process.exitCode).toBe(1);
      expect(printed).toEqual([
        `plugboard: the registry at ${join(dataDir, 'registry')} is open in another process: stop that platform or start this one with another data folder`,
      ]);
      expect((await first.call('GET', '/v1/instances/kept')).status).toBe(200);
    } finally {
      error.mockRestore();
      process.exitCode = undefined;
      await first.close();
    }
    // Closed, the folder is free again, and what the first platform wrote is there.
    const second = await startTestPlatform({ pluginsDir, memory: false, dataDir });
    try {
      expect((await second.call('GET', '/v1/instances/kept')).status).toBe(200);
    } finally {
      await second.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses a data folder whose registry is not a database, in one line', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'plugboard-broken-'));
    await writeFile(join(dataDir, 'registry'), 'not a LevelDB directory');
    const printed: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation((line: string) => void printed.push(line));
    try {
      await runCli(['node', 'plugboard', 'start', '--data', dataDir, '--no-watch', '--port', '0']);
      expect(process.exitCode).toBe(1);
      expect(printed).toEqual([
        expect.stringMatching(
          new RegExp(
            `^plugboard: the registry at ${join(dataDir, 'registry')} cannot be opened \\(.+\\): start with another data folder$`,
          ),
        ),
      ]);
    } finally {
      error.mockRestore();
      process.exitCode = undefined;
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
