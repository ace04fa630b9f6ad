import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SECTION = '## Write your first plugin';
const DEFAULT_URL = 'http://127.0.0.1:4680';

/** The shell commands of the README's walkthrough, in order, with `\` continuations joined. */
async function walkthroughCommands(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf(SECTION);
  expect(start, 'the README has the walkthrough').toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + SECTION.length);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .flatMap((block) =>
      block
        .replace(/\\\n\s*/g, '')
        .split('\n')
        .map((line) => line.trim()),
    )
    .filter((line) => line !== '');
}

let work: string;
let platform: ChildProcess | undefined;

/** A fresh clone as a plugin author has it: the sources, with node_modules linked, nothing from the real plugins/ touched. */
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'plugboard-walkthrough-'));
  for (const entry of ['package.json', 'tsconfig.json', 'vitest.config.ts', 'lib', 'bin', 'plugins']) {
    await cp(join(ROOT, entry), join(work, entry), { recursive: true });
  }
  await symlink(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
});
afterAll(async () => {
  if (platform?.pid && platform.exitCode === null) {
    process.kill(-platform.pid, 'SIGTERM');
    await new Promise((done) => platform!.once('exit', done));
  }
  if (work) await rm(work, { recursive: true, force: true });
});

function sh(command: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      'sh',
      ['-c', command],
      { cwd: work, timeout: 90_000, env: { ...process.env, ...env } },
      (error, stdout, stderr) => done({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `npm start` on a free port (the walkthrough's 4680 may be taken on a shared machine); resolves with its URL. */
function startPlatform(command: string): Promise<string> {
  expect(command).toBe('npm start');
  platform = spawn('sh', ['-c', `${command} -- --port 0 --no-watch`], { cwd: work, detached: true });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the platform did not start:\n${out}`)), 90_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const url = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    };
    platform!.stdout!.on('data', read);
    platform!.stderr!.on('data', read);
    platform!.once('exit', (code) => reject(new Error(`the platform exited (${code}):\n${out}`)));
  });
}

describe('README: Write your first plugin', () => {
  it('every command of the walkthrough works in a fresh copy, ending in an invoke by CLI and by curl', async () => {
    const commands = await walkthroughCommands();
    expect(commands[0]).toBe('node bin/plugboard.mjs new demo --type configuration');
    expect(commands).toContain('npm start');
    let url: string | undefined;
    const outputs: string[] = [];
    for (const command of commands) {
      if (command === 'npm start') {
        url = await startPlatform(command);
        continue;
      }
      const run = url ? command.replaceAll(DEFAULT_URL, url) : command;
      const result = await sh(run, url ? { PLUGBOARD_ENDPOINT: url } : {});
      expect(result, `${command}\n${result.stderr}`).toMatchObject({ code: 0 });
      outputs.push(result.stdout);
    }
    expect(outputs.join('\n')).toMatch(/demo: conforms/);
    const [cliGet, curlGet] = outputs.slice(-2).map((o) => JSON.parse(o));
    expect(cliGet).toEqual([expect.objectContaining({ key: 'greeting', value: 'hello' })]);
    expect(curlGet.result).toEqual(cliGet);
  }, 300_000);

  it('plugboard new refuses an existing folder and a bad slug, with exit code 1', async () => {
    const again = await sh('node bin/plugboard.mjs new demo --type configuration');
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('plugboard: plugins/demo already exists; choose another slug');
    const bad = await sh('node bin/plugboard.mjs new Demo_1 --type logs');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^plugboard: "Demo_1" is not a valid slug/);
    const usage = await sh('node bin/plugboard.mjs new demo2');
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim()).toBe("plugboard: required option '--type <type>' not specified (see --help)");
  }, 60_000);
});
