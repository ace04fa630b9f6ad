import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../e2e/harness';
import { waitFor } from '../e2e/wait-for';

// Node process plugins, so the test needs no Python; the platform runs them the same way.
const root = mkdtempSync(join(tmpdir(), 'plugboard-process-watch-'));
const external = join(root, 'external');
/** Outside the watched folder: the `held` action answers once this file exists. */
const gate = join(root, 'gate');

interface Version {
  build: string;
  slug?: string;
  actions?: string[];
}

/**
 * A process plugin whose actions answer its build and their name; `held` tells stderr it holds,
 * then answers once the gate is open. One envelope at a time, so answers keep their order. It
 * tells stderr its pid when it starts.
 */
const pluginSource = ({ build, slug = 'watched', actions = ['which', 'held'] }: Version) => `
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
const manifest = ${JSON.stringify({
  slug,
  name: slug,
  version: '1.0.0',
  apiVersion: 1,
  actions: actions.map((name) => ({ name, label: name })),
})};
if (process.argv.includes('--manifest')) {
  process.stdout.write(JSON.stringify(manifest) + '\\n');
  process.exit(0);
}
process.stderr.write('pid ' + process.pid + '\\n');
const answer = (name) => process.stdout.write(JSON.stringify({ ok: true, result: { build: '${build}', action: name } }) + '\\n');
const opened = () => new Promise((resolve) => {
  const poll = setInterval(() => existsSync(${JSON.stringify(gate)}) && (clearInterval(poll), resolve()), 20);
});
let handling = Promise.resolve();
createInterface({ input: process.stdin }).on('line', (line) => {
  const { name } = JSON.parse(line);
  handling = handling.then(async () => {
    if (name === 'held') {
      process.stderr.write('holding\\n');
      await opened();
    }
    answer(name);
  });
});
`;

const writePlugin = (
  folder: string,
  source: string,
  file = JSON.stringify({ command: ['node', 'main.mjs'] }),
) => {
  mkdirSync(join(external, folder), { recursive: true });
  writeFileSync(join(external, folder, 'plugboard.json'), file);
  writeFileSync(join(external, folder, 'main.mjs'), source);
};

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let pb: TestPlatform;
const act = (instance: string, action: string) =>
  pb.call('POST', `/v1/instances/${instance}/actions/${action}`, {});
const build = async (instance: string) => (await act(instance, 'which')).body?.result?.build;
const folderErrors = async (folder: string) =>
  ((await pb.call('GET', '/v1/plugins')).body.errors as { dir: string }[]).filter((e) => e.dir === folder);
const reloads = () =>
  pb.logLines.filter((line) => line.includes('"plugin reloaded"') && line.includes('"slug":"watched"'))
    .length;

beforeAll(async () => {
  writePlugin('watched', pluginSource({ build: 'v1' }));
  writePlugin('a-first', pluginSource({ build: 'a', slug: 'shared' }));
  writePlugin('b-waiter', pluginSource({ build: 'b', slug: 'shared' }));
  pb = await startTestPlatform({
    pluginsDir: join(import.meta.dirname, '../fixtures/fault-plugins'),
    processPluginsDir: external,
    watch: true,
  });
  await pb.createInstance('w', 'watched');
  await pb.createInstance('s', 'shared');
  // The watcher sees changes only once it has read the folder: write until one is seen.
  const until = Date.now() + 20_000;
  while (reloads() === 0) {
    if (Date.now() > until) throw new Error('the watcher reported no change');
    writePlugin('watched', pluginSource({ build: 'v1' }));
    await waitFor(async () => reloads() > 0, 1_000, 'the watcher').catch(() => undefined);
  }
}, 40_000);
afterAll(async () => {
  await pb?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('watching process plugins', () => {
  it("serves an edit to the plugin's code at the next call, without a restart", async () => {
    expect(await build('w')).toBe('v1');
    writePlugin('watched', pluginSource({ build: 'v2' }));
    await waitFor(async () => (await build('w')) === 'v2', 15_000, 'the edited code');
  });

  it('registers an action added to the manifest: listed and callable', async () => {
    writePlugin('watched', pluginSource({ build: 'v3', actions: ['which', 'held', 'added'] }));
    const actions = async () =>
      ((await pb.call('GET', '/v1/plugins/watched')).body.manifest.actions as { name: string }[]).map(
        (a) => a.name,
      );
    await waitFor(async () => (await actions()).includes('added'), 15_000, 'the added action');
    const added = await act('w', 'added');
    expect(added.status).toBe(200);
    expect(added.body.result).toEqual({ build: 'v3', action: 'added' });
  });

  it('keeps the previous version serving while the manifest or plugboard.json is broken, and serves again once fixed', async () => {
    const refusals = () => pb.logLines.filter((line) => line.includes('plugin not reloaded'));
    writePlugin('watched', pluginSource({ build: 'v-bad', slug: 'Not A Slug' }));
    await waitFor(async () => refusals().length === 1, 15_000, 'the broken manifest to be refused');
    expect(JSON.parse(refusals()[0]!)).toMatchObject({
      level: 'error',
      dir: join(external, 'watched'),
      slug: 'watched',
      errors: [expect.stringContaining('slug: the manifest is not valid')],
    });
    expect(await folderErrors('watched')).toMatchObject([
      { path: 'slug', message: expect.stringContaining('the manifest is not valid') },
    ]);
    expect(await build('w')).toBe('v3');

    writePlugin('watched', pluginSource({ build: 'v-bad' }), '{ "command": [');
    await waitFor(async () => refusals().length === 2, 15_000, 'the broken plugboard.json to be refused');
    expect(JSON.parse(refusals()[1]!).errors).toEqual(['plugboard.json is not JSON']);
    expect(await build('w')).toBe('v3');

    writePlugin('watched', pluginSource({ build: 'v4' }));
    await waitFor(async () => (await build('w')) === 'v4', 15_000, 'the fixed plugin');
    expect(await folderErrors('watched')).toEqual([]);
  });

  it('lets a call under way on the replaced process answer', async () => {
    const holding = () =>
      pb.logLines.some((line) => line.includes('"service":"plugin:watched"') && line.includes('holding'));
    const held = act('w', 'held');
    await waitFor(async () => holding(), 15_000, 'the held call to reach the process');
    const before = reloads();
    writePlugin('watched', pluginSource({ build: 'v5' }));
    await waitFor(async () => reloads() > before, 15_000, 'the reload');
    expect(await build('w')).toBe('v5');
    writeFileSync(gate, '');
    const answered = await held;
    expect(answered.status).toBe(200);
    expect(answered.body.result).toEqual({ build: 'v4', action: 'held' });
  });

  it("follows folders added and removed under the loader's rules on slugs", async () => {
    // Refused at start for the slug a-first has, as a restart refuses it.
    expect(await folderErrors('b-waiter')).toMatchObject([
      { slug: 'shared', message: 'duplicate slug "shared": already loaded from folder "a-first"' },
    ]);
    expect(await build('s')).toBe('a');

    writePlugin('fresh', pluginSource({ build: 'fresh-1', slug: 'fresh' }));
    writePlugin('takes-keyed', pluginSource({ build: 'k', slug: 'keyed' }));
    await waitFor(
      async () => (await pb.call('GET', '/v1/plugins/fresh')).status === 200,
      15_000,
      'the new folder',
    );
    await pb.createInstance('f', 'fresh');
    expect(await build('f')).toBe('fresh-1');
    await waitFor(
      async () => (await folderErrors('takes-keyed')).length === 1,
      15_000,
      'the TypeScript slug refused',
    );
    expect((await folderErrors('takes-keyed'))[0]).toMatchObject({
      message: 'duplicate slug "keyed": already loaded from folder "keyed"',
    });

    rmSync(join(external, 'a-first'), { recursive: true });
    await waitFor(async () => (await build('s')) === 'b', 15_000, 'b-waiter to serve the slug let go');
    expect(await folderErrors('b-waiter')).toEqual([]);

    const [pid] = pb.logLines
      .map((line) => JSON.parse(line))
      .filter((entry) => entry.service === 'plugin:fresh' && entry.message.startsWith('pid '))
      .map((entry) => Number(entry.message.slice('pid '.length)));
    expect(pid).toBeGreaterThan(0);
    rmSync(join(external, 'fresh'), { recursive: true });
    rmSync(join(external, 'takes-keyed'), { recursive: true });
    await waitFor(
      async () => (await pb.call('GET', '/v1/plugins/fresh')).status === 404,
      15_000,
      'the folder to go',
    );
    expect((await act('f', 'which')).status).toBe(404);
    await waitFor(async () => !running(pid!), 15_000, "the removed plugin's process to end");
    await waitFor(async () => (await folderErrors('takes-keyed')).length === 0, 15_000, 'the refusal to go');
    expect(
      pb.logLines.some((line) => line.includes('plugin removed: its folder or plugboard.json is gone')),
    ).toBe(true);
  });
});
