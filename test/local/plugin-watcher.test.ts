import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
});
