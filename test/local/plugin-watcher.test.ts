import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PluginWatcher } from '../../lib/local/plugin-watcher';
import { waitFor } from '../e2e/wait-for';

const root = mkdtempSync(join(tmpdir(), 'plugboard-watcher-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PluginWatcher', () => {
  it("reports a folder's changes one after another: a change during a rebuild is rebuilt after it", async () => {
    mkdirSync(join(root, 'changing'));
    const source = join(root, 'changing', 'index.ts');
    writeFileSync(source, '// 0\n');
    const reports: { started: number; ended?: number }[] = [];
    let running = 0;
    let mostAtOnce = 0;
    const watcher = new PluginWatcher(root, async () => {
      const report: { started: number; ended?: number } = { started: Date.now() };
      reports.push(report);
      mostAtOnce = Math.max(mostAtOnce, ++running);
      // The first long enough that the change made during it is seen while it runs, even on a loaded machine.
      await pause(reports.length === 1 ? 2_000 : 50);
      running--;
      report.ended = Date.now();
    });
    try {
      // The watcher reads the folder before it sees changes: write until the first report starts,
      // slower than its debounce, which each write would otherwise restart.
      const until = Date.now() + 10_000;
      for (let edits = 1; reports.length === 0; edits++) {
        if (Date.now() > until) throw new Error('the watcher reported no change');
        writeFileSync(source, `// ${edits}\n`);
        await pause(150);
      }
      writeFileSync(source, '// while rebuilding\n');
      await pause(400);
      expect(reports).toHaveLength(1);
      await waitFor(async () => reports[1]?.ended !== undefined, 10_000, 'the second report');
      expect(reports[1]!.started).toBeGreaterThanOrEqual(reports[0]!.ended!);
      expect(mostAtOnce).toBe(1);

      // Closing waits for a report under way.
      writeFileSync(source, '// before closing\n');
      await waitFor(async () => reports.length >= 3, 10_000, 'the third report');
    } finally {
      await watcher.close();
    }
    expect(reports.at(-1)!.ended).toBeDefined();
  });

  it('reports no change of the bytecode Python writes beside a process plugin it runs', async () => {
    const dir = join(root, 'python');
    mkdirSync(join(dir, 'py', '__pycache__'), { recursive: true });
    mkdirSync(join(dir, 'marker'));
    const reported: string[] = [];
    const watcher = new PluginWatcher(dir, async (pluginDir) => {
      reported.push(basename(pluginDir));
    });
    try {
      const until = Date.now() + 10_000;
      for (let edits = 1; reported.length === 0; edits++) {
        if (Date.now() > until) throw new Error('the watcher reported no change');
        writeFileSync(join(dir, 'marker', 'index.ts'), `// ${edits}\n`);
        await pause(150);
      }
      reported.length = 0;
      writeFileSync(join(dir, 'py', '__pycache__', 'main.cpython-312.pyc'), 'bytecode');
      writeFileSync(join(dir, 'marker', 'index.ts'), '// after the bytecode\n');
      await waitFor(async () => reported.includes('marker'), 10_000, 'the marker');
      // Reported after the bytecode's debounce too: had it been seen, its report came first.
      writeFileSync(join(dir, 'marker', 'index.ts'), '// once more\n');
      await waitFor(async () => reported.length >= 2, 10_000, 'the marker again');
      expect(reported).toEqual(['marker', 'marker']);
    } finally {
      await watcher.close();
    }
  });

  it('reports every plugin of a folder deleted and made again at once, and of one made after it started', async () => {
    const dir = join(root, 'remade');
    const plugin = (name: string) => {
      mkdirSync(join(dir, name), { recursive: true });
      writeFileSync(join(dir, name, 'index.ts'), `// ${name}\n`);
    };
    const reported = new Set<string>();
    // Missing when the watcher starts: made with its plugins already in it.
    const watcher = new PluginWatcher(dir, async (pluginDir) => {
      reported.add(basename(pluginDir));
    });
    try {
      plugin('first');
      plugin('second');
      await waitFor(async () => reported.has('first') && reported.has('second'), 10_000, 'the new folder');
      reported.clear();
      // Deleted and made again in one go: no event of chokidar's tells the watched folder is another.
      rmSync(dir, { recursive: true });
      plugin('third');
      await waitFor(async () => reported.has('third'), 10_000, 'the folder made again');
      reported.clear();
      writeFileSync(join(dir, 'third', 'index.ts'), '// changed\n');
      await waitFor(async () => reported.has('third'), 10_000, "the new folder's change");
    } finally {
      await watcher.close();
    }
  });
});
