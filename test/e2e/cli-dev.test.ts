import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { servingUrl } from './child-platform-process';
import { waitFor } from './wait-for';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HOOKS = new URL('../fixtures/module-log-hooks.mjs', import.meta.url).href;
let work: string | undefined;
let child: ChildProcess | undefined;
const scratchParents: string[] = [];

/** Whether any process of the group is still running (signal 0 only asks). */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (work) await rm(work, { recursive: true, force: true });
  for (const dir of scratchParents) await rm(dir, { recursive: true, force: true });
});

/** What a child printed on stdout and stderr so far, and waits for a line of it. */
function printedBy(dev: ChildProcess) {
  let output = '';
  const add = (chunk: Buffer) => {
    output += chunk.toString();
  };
  dev.stdout?.on('data', add);
  dev.stderr?.on('data', add);
  return {
    text: () => output,
    printed: (text: string, what: string) =>
      waitFor(async () => output.includes(text), 60_000, `${what} in:\n${output}`),
    times: (text: string) => output.split(text).length - 1,
  };
}

describe('plugboard dev', () => {
  it('serves a plugin with a ready instance, reloads and re-checks it on a save, and stops on SIGTERM', async () => {
    // Inside the project, where `plugboard/sdk` resolves, as a plugin author's folder is.
    await mkdir(join(ROOT, 'test/.tmp'), { recursive: true });
    work = await mkdtemp(join(ROOT, 'test/.tmp/cli-dev-'));
    const plugin = join(work, 'my-echo');
    await cp(join(ROOT, 'plugins/echo'), plugin, { recursive: true });

    // No folder named: the working folder is a plugin's, so it alone is served.
    const app = 'http://127.0.0.1:5173';
    const args = [join(ROOT, 'bin/plugboard.mjs'), 'dev', '--cors-origin', app];
    child = spawn(process.execPath, args, {
      cwd: plugin,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const { text, printed, times } = printedBy(child);
    const exited = new Promise<number | null>((done) => child!.once('exit', (code) => done(code)));

    const url = await servingUrl(child, 60_000);
    await printed('Watching .: every save reloads and re-checks', 'the first round of checks');
    expect(text()).toMatch(/^loaded +echo +my-echo /m);
    expect(text()).toContain('State: in memory (--data <dir> keeps it); nothing persists');
    expect(text()).toContain('checks echo: 3 of 3 passed');
    const [, token, tokenFile] = /^API token: (\S+) \(kept in (\S+);/m.exec(text()) ?? [];
    expect((await readFile(tokenFile!, 'utf8')).trim()).toBe(token);
    expect(text()).toContain(
      `echo-dev (echo): curl -s -H "Authorization: Bearer $(cat ${tokenFile})" -H 'content-type: application/json' -d '{"params":{}}' ${url}/v1/instances/echo-dev/actions/echo`,
    );
    const echo = async () => {
      const response = await fetch(`${url}/v1/instances/echo-dev/actions/echo`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ params: { message: 'hi' } }),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: response.status, body: await response.json() };
    };
    expect(await echo()).toMatchObject({ status: 200, body: { result: { message: 'hi' } } });
    // A browser app on the origin given, as `start` takes it: its preflight needs no token.
    const preflight = await fetch(`${url}/v1/instances/echo-dev/actions/echo`, {
      method: 'OPTIONS',
      headers: { origin: app, 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(app);

    const source = join(plugin, 'index.ts');
    const original = await readFile(source, 'utf8');
    const edit = (handler: string) =>
      writeFile(source, original.replace('echo: (_ctx, params) => params,', `echo: ${handler},`));
    await edit('(_ctx, params) => ({ ...params, edited: true })');
    await waitFor(async () => times('checks echo: 3 of 3 passed') === 2, 60_000, `re-run checks:\n${text()}`);
    expect(text()).toMatch(/"message":"plugin reloaded".*"slug":"echo"/);
    expect(await echo()).toMatchObject({ status: 200, body: { result: { message: 'hi', edited: true } } });
    // Printed once: a reload that changes nothing of how it is called says nothing more of it.
    expect(times('echo-dev (echo): curl')).toBe(1);

    await edit('() => { throw new Error("broken") }');
    await printed('checks echo: 2 of 3 passed, 1 FAILED', 'the failed check');
    expect(text()).toContain('  FAIL action echo: answers a call with valid params');
    expect((await echo()).status).toBe(502);

    const scratch = /"dir":"([^"]+)[/\\]plugins[/\\]my-echo"/.exec(text())?.[1];
    expect(scratch && existsSync(scratch)).toBe(true);
    child.kill('SIGTERM');
    expect(
      await Promise.race([exited, new Promise((done) => setTimeout(done, 30_000, 'still running'))]),
    ).toBe(0);
    expect(text()).toContain('Stopping: requests under way');
    // Its links and modules go with it; the plugin's own folder stays.
    expect(existsSync(scratch!)).toBe(false);
    expect(existsSync(source)).toBe(true);
  }, 180_000);

  it('re-checks only the saved plugin when it serves a folder of plugins', async () => {
    await mkdir(join(ROOT, 'test/.tmp'), { recursive: true });
    const folder = await mkdtemp(join(ROOT, 'test/.tmp/cli-dev-folder-'));
    scratchParents.push(folder);
    const plugins = join(folder, 'plugins');
    for (const name of ['echo', 'kv-config'])
      await cp(join(ROOT, 'plugins', name), join(plugins, name), { recursive: true });
    // Every process of the session logs the modules it loads, its checks' processes too.
    const log = join(folder, 'modules.log');
    const logModules = join(folder, 'log-modules.mjs');
    await writeFile(
      logModules,
      `import { register } from 'node:module';\nregister(${JSON.stringify(HOOKS)});\n`,
    );
    const dev = spawn(process.execPath, [join(ROOT, 'bin/plugboard.mjs'), 'dev', plugins], {
      cwd: ROOT,
      env: { ...process.env, MODULE_LOG: log, NODE_OPTIONS: `--import ${pathToFileURL(logModules).href}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = dev;
    const { text, printed, times } = printedBy(dev);
    const exited = new Promise<number | null>((done) => dev.once('exit', (code) => done(code)));
    await printed('every save reloads and re-checks', 'the first round of checks');
    expect(text()).toContain('checks echo: 3 of 3 passed');
    expect(text()).toMatch(/checks kv-config: \d+ of \d+ passed/);
    const before = (await readFile(log, 'utf8')).length;

    const source = join(plugins, 'echo/index.ts');
    await writeFile(source, `${await readFile(source, 'utf8')}\n// saved again\n`);
    await waitFor(async () => times('checks echo: 3 of 3 passed') === 2, 60_000, `re-run checks:\n${text()}`);
    const loadedSince = (await readFile(log, 'utf8')).slice(before);
    expect(loadedSince).toContain(pathToFileURL(source).href);
    expect(loadedSince).not.toContain(pathToFileURL(join(plugins, 'kv-config')).href);
    expect(times('checks kv-config')).toBe(1);

    dev.kill('SIGTERM');
    expect(
      await Promise.race([exited, new Promise((done) => setTimeout(done, 30_000, 'still running'))]),
    ).toBe(0);
  }, 180_000);

  it('stops gracefully on a Ctrl-C during its first round of checks, leaving no scratch folder', async () => {
    // The session's scratch folders go under TMPDIR: one of the test's own shows what is left.
    await mkdir(join(ROOT, 'test/.tmp'), { recursive: true });
    const tmp = await mkdtemp(join(ROOT, 'test/.tmp/cli-dev-tmp-'));
    scratchParents.push(tmp);
    const dev = spawn(process.execPath, [join(ROOT, 'bin/plugboard.mjs'), 'dev', 'plugins/echo'], {
      cwd: ROOT,
      env: { ...process.env, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, as a terminal runs it: Ctrl-C signals the whole group.
      detached: true,
    });
    child = dev;
    let output = '';
    dev.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((done) =>
      dev.once('exit', (code, signal) => done([code, signal])),
    );
    await servingUrl(dev, 60_000);
    // The banner is out; the instances and checks that follow it take seconds.
    expect(output).not.toContain('Watching');
    process.kill(-dev.pid!, 'SIGINT');
    expect(
      await Promise.race([exited, new Promise((done) => setTimeout(done, 30_000, 'still running'))]),
    ).toEqual([0, null]);
    expect(output).toContain('Stopping: requests under way');
    // Checks ended by the stop are not a failure to report.
    expect(output).not.toContain('checks not run');
    // Nothing of it outlives it: not the checks it was running, nor those it started as it stopped.
    await waitFor(async () => !groupAlive(dev.pid!), 1_000, "the dev session's processes to end");
    // tsx keeps its compile cache there too.
    expect((await readdir(tmp)).filter((name) => name.startsWith('plugboard-'))).toEqual([]);
  }, 120_000);
});
