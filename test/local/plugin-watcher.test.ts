import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PluginWatcher } from '../../lib/local/plugin-watcher';

const root = mkdtempSync(join(tmpdir(), 'plugboard-watcher-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => boolean, act: () => void, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    act();
    await pause(150);
  }
}

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
      let edits = 0;
      // The watcher reads the folder before it sees changes: write until the first report starts.
      await eventually(
        () => reports.length > 0,
        () => writeFileSync(source, `// ${++edits}\n`),
      );
      writeFileSync(source, '// while rebuilding\n');
      await pause(400);
      expect(reports).toHaveLength(1);
      await eventually(
        () => reports.length >= 2 && reports[1]!.ended !== undefined,
        () => undefined,
      );
      expect(reports[1]!.started).toBeGreaterThanOrEqual(reports[0]!.ended!);
      expect(mostAtOnce).toBe(1);

      // Closing waits for a report under way.
      writeFileSync(source, '// before closing\n');
      await eventually(
        () => reports.length >= 3,
        () => undefined,
      );
    } finally {
      await watcher.close();
    }
    expect(reports.at(-1)!.ended).toBeDefined();
  });
});
