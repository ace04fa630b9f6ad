import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killGroup, platformCaller, spawnPlatform } from './child-platform-process';
import { waitFor } from './wait-for';

// Inside the repository, so the TypeScript plugin resolves `plugboard/sdk` like a real one.
const root = join(import.meta.dirname, '../.tmp', `folders-later-${process.pid}`);
const plugins = join(root, 'plugins');
/** Missing when the platform starts. */
const external = join(root, 'plugins-external');
const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-folders-later-'));

const writeTypescript = () => {
  mkdirSync(join(plugins, 'steady'), { recursive: true });
  writeFileSync(
    join(plugins, 'steady', 'index.ts'),
    `import { definePlugin } from 'plugboard/sdk';
export default definePlugin({
  manifest: { slug: 'steady', name: 'Steady', version: '1.0.0', apiVersion: 1, actions: [{ name: 'which', label: 'Which' }] },
  actions: { which: () => ({ build: 'steady' }) },
});
`,
  );
};

/** A Node process plugin (no Python needed) whose `which` answers `build`; plugboard.json last, so it is read whole. */
const writeProcess = (build: string) => {
  const dir = join(external, 'late');
  mkdirSync(dir, { recursive: true });
  const manifest = {
    slug: 'late',
    name: 'Late',
    version: '1.0.0',
    apiVersion: 1,
    actions: [{ name: 'which', label: 'Which' }],
  };
  writeFileSync(
    join(dir, 'main.mjs'),
    `import { createInterface } from 'node:readline';
if (process.argv.includes('--manifest')) {
  process.stdout.write(${JSON.stringify(JSON.stringify(manifest))} + '\\n');
  process.exit(0);
}
createInterface({ input: process.stdin }).on('line', () =>
  process.stdout.write(JSON.stringify({ ok: true, result: { build: '${build}' } }) + '\\n'),
);
`,
  );
  writeFileSync(join(dir, 'plugboard.json'), JSON.stringify({ command: ['node', 'main.mjs'] }));
};

let child: ChildProcess | undefined;
let call: ReturnType<typeof platformCaller>;
let output = '';

beforeAll(async () => {
  writeTypescript();
  const started = spawnPlatform(dataDir, plugins, { cli: true, watch: true, args: ['--external', external] });
  child = started.child;
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  call = platformCaller(await started.url, dataDir, 10_000);
}, 90_000);
afterAll(async () => {
  if (child) await killGroup(child);
  rmSync(root, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

const served = async (slug: string) => (await call('GET', `/v1/plugins/${slug}`)).status === 200;
const build = async (instance: string) =>
  (await call('POST', `/v1/instances/${instance}/actions/which`, {})).body?.result?.build;
/** Writes once, and waits for the platform to serve what was written, with no restart. */
async function writeThenWait(write: () => void, check: () => Promise<boolean>, what: string) {
  write();
  await waitFor(check, 20_000, what).catch((error: Error) => {
    throw new Error(`${error.message}:\n${output.slice(-3000)}`);
  });
}

describe('plugin folders that `plugboard start` did not find', () => {
  it('serves a plugins-external/ created after start, without a restart', async () => {
    expect(await served('steady')).toBe(true);
    expect(await served('late')).toBe(false);
    await writeThenWait(
      () => writeProcess('v1'),
      () => served('late'),
      'the new plugins-external/',
    );
    expect((await call('POST', '/v1/instances', { name: 'l', plugin: 'late' })).status).toBe(201);
    expect(await build('l')).toBe('v1');
  }, 60_000);

  it('follows plugins-external/ removed and created again', async () => {
    rmSync(external, { recursive: true });
    await waitFor(async () => !(await served('late')), 15_000, 'the removed folder to stop serving');
    await writeThenWait(
      () => writeProcess('v2'),
      async () => (await build('l')) === 'v2',
      'the recreated folder',
    );
  }, 60_000);

  it('follows plugins/ removed and created again', async () => {
    rmSync(plugins, { recursive: true });
    await waitFor(async () => !(await served('steady')), 15_000, 'the removed folder to stop serving');
    await writeThenWait(writeTypescript, () => served('steady'), 'the recreated plugins/');
  }, 60_000);
});
