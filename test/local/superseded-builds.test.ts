import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../lib/core/envelope';
import { removeSupersededBuilds } from '../../lib/local/superseded-builds';
import { WorkerInvoker } from '../../lib/local/worker/worker-invoker';
import { waitFor } from '../e2e/wait-for';
import { refusingHost } from './refusing-host';

// Inside the repository, so the plugins resolve `plugboard/sdk` like real ones.
const plugins = join(import.meta.dirname, '../.tmp', `superseded-${process.pid}`);
const dirs: string[] = [plugins];
const invokers: WorkerInvoker[] = [];

/** A plugin whose `wait` action answers its build after `delayMs`. */
const writePlugin = (build: string): string => {
  mkdirSync(join(plugins, 'swapped'), { recursive: true });
  const entry = join(plugins, 'swapped', 'index.ts');
  writeFileSync(
    entry,
    `import { definePlugin } from 'plugboard/sdk';
export default definePlugin({
  manifest: { slug: 'swapped', name: 'Swapped', version: '1.0.0', apiVersion: 1,
    actions: [{ name: 'wait', label: 'Wait' }] },
  actions: { wait: async (_ctx, params) => {
    await new Promise((resolve) => setTimeout(resolve, Number(params.delayMs ?? 0)));
    return { build: '${build}' };
  } },
});
`,
  );
  return entry;
};

const call = (invoker: WorkerInvoker, delayMs: number) => {
  const envelope: Envelope = {
    v: 1,
    kind: 'action',
    plugin: 'swapped',
    instance: 'one',
    name: 'wait',
    input: { delayMs },
    requestId: `req-${delayMs}`,
    deadline: Date.now() + 10_000,
  };
  return invoker.invoke('swapped', envelope);
};

/** Loads the swapped plugin alone, answering its bundle. */
const loadSwapped = async (invoker: WorkerInvoker, entry: string) => {
  const [built] = await invoker.load([{ slug: 'swapped', entry, memoryMb: 64 }]);
  return built!;
};

function newInvoker(): { invoker: WorkerInvoker; bundleDir: string } {
  const bundleDir = mkdtempSync(join(tmpdir(), 'plugboard-bundles-'));
  dirs.push(bundleDir);
  const invoker = new WorkerInvoker({
    bundleDir,
    hostFor: () => refusingHost('the swapped plugin makes no platform calls'),
    onLog: () => undefined,
  });
  invokers.push(invoker);
  return { invoker, bundleDir };
}

/** The bundle directory's files other than the build entries esbuild is given. */
const files = (dir: string) =>
  readdirSync(dir)
    .filter((name) => !name.endsWith('.entry.ts'))
    .sort();

afterEach(async () => {
  await Promise.all(invokers.splice(0).map((invoker) => invoker.close()));
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('bundles a newer build supersedes', () => {
  it('are removed at the first build after a restart; other names and files stay', async () => {
    const { invoker, bundleDir } = newInvoker();
    const leftovers = [
      'swapped.OLDBUILD.mjs',
      'swapped.OLDBUILD.mjs.map',
      'swapped-two.OTHER123.mjs',
      'notes.txt',
    ];
    const long = new Date(Date.now() - 60_000);
    for (const name of leftovers) {
      writeFileSync(join(bundleDir, name), '');
      utimesSync(join(bundleDir, name), long, long);
    }
    const built = await loadSwapped(invoker, writePlugin('v1'));
    expect(files(bundleDir)).toEqual(
      [basename(built.file), `${basename(built.file)}.map`, 'notes.txt', 'swapped-two.OTHER123.mjs'].sort(),
    );
    expect(await call(invoker, 0)).toEqual({ ok: true, result: { build: 'v1' } });
  });

  it('stay while a replaced worker finishes its calls, then go with it', async () => {
    const { invoker, bundleDir } = newInvoker();
    const first = await loadSwapped(invoker, writePlugin('v1'));
    // Long enough to outlast two builds and a worker start on a loaded machine.
    const underWay = call(invoker, 4_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await invoker.build('swapped', writePlugin('v2'));
    await invoker.start('swapped', second.file, 64);
    // A further build's sweep leaves the retiring worker's bundle alone too.
    const third = await invoker.build('swapped', writePlugin('v3'));
    expect(files(bundleDir)).toContain(basename(first.file));
    expect(await underWay).toEqual({ ok: true, result: { build: 'v1' } });
    await waitFor(
      async () => !files(bundleDir).includes(basename(first.file)),
      5_000,
      'the retired bundle to go',
    );
    expect(files(bundleDir)).toEqual(
      [second.file, `${second.file}.map`, third.file, `${third.file}.map`]
        .map((file) => basename(file))
        .sort(),
    );
    expect(await call(invoker, 0)).toEqual({ ok: true, result: { build: 'v2' } });
  });

  it('go at once when the plugin they replace had no worker yet, and a build not started stays', async () => {
    const { invoker, bundleDir } = newInvoker();
    const first = await loadSwapped(invoker, writePlugin('v1'));
    const second = await invoker.build('swapped', writePlugin('v2'));
    // Built but not started: the plugin still runs the first build, so both stay.
    expect(files(bundleDir)).toEqual(
      [first.file, `${first.file}.map`, second.file, `${second.file}.map`]
        .map((file) => basename(file))
        .sort(),
    );
    await invoker.start('swapped', second.file, 64);
    expect(files(bundleDir)).toEqual([basename(second.file), `${basename(second.file)}.map`]);
    expect(await call(invoker, 0)).toEqual({ ok: true, result: { build: 'v2' } });
  });
});

describe('removeSupersededBuilds', () => {
  it('keeps the current build, newer ones, builds in use and files of other names', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugboard-sweep-'));
    dirs.push(dir);
    const at = (name: string, secondsAgo: number) => {
      writeFileSync(join(dir, name), '');
      const time = new Date(Date.now() - secondsAgo * 1000);
      utimesSync(join(dir, name), time, time);
    };
    at('p.OLDER111.mjs', 30);
    at('p.OLDER111.mjs.map', 30);
    at('p.INUSE222.mjs', 30);
    at('p.CURRENT3.mjs', 20);
    at('p.NEWER444.mjs', 10);
    at('p.NEWER444.mjs.map', 10);
    at('p.lowercase.mjs', 30);
    at('pq.OTHER555.mjs', 30);
    // A build that cannot be removed (a folder, here) is left, and the sweep still ends well.
    mkdirSync(join(dir, 'p.AFOLDER6.mjs'));
    utimesSync(join(dir, 'p.AFOLDER6.mjs'), new Date(Date.now() - 30_000), new Date(Date.now() - 30_000));
    await removeSupersededBuilds({
      dir,
      current: join(dir, 'p.CURRENT3.mjs'),
      prefix: 'p.',
      inUse: (file) => file === join(dir, 'p.INUSE222.mjs'),
    });
    expect(readdirSync(dir).sort()).toEqual([
      'p.AFOLDER6.mjs',
      'p.CURRENT3.mjs',
      'p.INUSE222.mjs',
      'p.NEWER444.mjs',
      'p.NEWER444.mjs.map',
      'p.lowercase.mjs',
      'pq.OTHER555.mjs',
    ]);
  });
});
