import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../lib/cli/program';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs the real CLI the way the README tells a user to, in the repository root. */
async function plugboard(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/plugboard.mjs', ...args], {
      cwd: ROOT,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('plugboard validate', () => {
  it('loads every example plugin and prints the report as JSON', async () => {
    const { code, stdout } = await plugboard('validate', 'plugins', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    // Every folder of plugins/ is an example plugin named after its slug.
    const folders = readdirSync('plugins', { withFileTypes: true }).filter((d) => d.isDirectory());
    expect(report.loaded.map((p: { slug: string }) => p.slug)).toEqual(folders.map((d) => d.name).sort());
    expect(report.loaded.map((p: { slug: string }) => p.slug)).toEqual(
      expect.arrayContaining(['echo', 'file-logs', 'hmac-signer', 'incrementer', 'kv-config']),
    );
    const echo = report.loaded.find((p: { slug: string }) => p.slug === 'echo');
    expect(echo.manifest).toMatchObject({ slug: 'echo', apiVersion: 1, timeoutSeconds: 10 });
    expect(report.skipped).toEqual([]);
    expect(report.errors).toEqual([]);
  });

  it('ends quietly, exit 0, when its reader has closed the pipe (`| head`)', async () => {
    const child = spawn(process.execPath, ['bin/plugboard.mjs', 'validate', 'plugins', '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    // Closed before the first write: every write meets EPIPE, whatever the pipe's buffer.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    const [code] = await once(child, 'exit');
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('prints the table and exits 1 for a folder with broken plugins', async () => {
    const { code, stdout } = await plugboard('validate', 'test/fixtures/plugins-broken');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^STATUS\s+SLUG\s+FOLDER\s+DETAIL/);
    expect(stdout).toMatch(
      /error\s+bad-manifest\s+bad-manifest\s+options\.0\.default: default does not fit type integer/,
    );
    expect(stdout).toContain('2 loaded, 1 skipped, 15 errors');
  });
});

describe('runCli', () => {
  afterEach(() => {
    process.exitCode = undefined;
    vi.restoreAllMocks();
  });

  it('says in one line, without a stack, that a folder does not exist', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await runCli(['node', 'plugboard', 'validate', 'no-such-folder']);
    expect(process.exitCode).toBe(1);
    expect(printed.mock.calls).toEqual([['plugboard: plugin directory "no-such-folder" does not exist']]);
  });

  it("prints the package's version for --version and -V", async () => {
    const written = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) await runCli(['node', 'plugboard', flag]);
    expect(written.mock.calls).toEqual([[`${version}\n`], [`${version}\n`]]);
    expect(process.exitCode).toBe(0);
  });
});
