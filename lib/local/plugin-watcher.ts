import { statSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';

/**
 * Files that do not change what a plugin does; among them the bytecode Python writes when a process
 * plugin's command runs, which would otherwise have each read of the plugin report another change.
 */
const IGNORED = /(^|[/\\])(node_modules|\.git|__pycache__)([/\\]|$)|\.test\.ts$|\.md$/;

/**
 * How often the plugins folder itself is looked at. Chokidar misses a folder deleted and made again
 * in one moment (the watch it holds is then of the deleted one) and, for a folder made after it
 * started, what the folder held then; a stat of the folder twice a second sees both.
 */
const FOLDER_CHECK_MS = 500;

/** What tells one folder at a path from another made there later; undefined while there is none. */
function folderIdentity(path: string): string | undefined {
  try {
    const stats = statSync(path);
    return stats.isDirectory() ? `${stats.dev}:${stats.ino}:${stats.birthtimeMs}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Watches a plugins folder, TypeScript or process plugins, and reports, once per burst of changes,
 * the folder of each plugin that changed, so only that plugin is reloaded. One folder's reports
 * wait for each other: a change made while the plugin reloads is reloaded after it, never beside
 * it, so the last reload started is the one left serving. The folder may be missing, at start or
 * later: once it is made (again), everything in it is reported.
 */
export class PluginWatcher {
  private watcher: FSWatcher | undefined;
  private watched: string | undefined;
  private readonly folderCheck: NodeJS.Timeout;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Per folder, the report under way and those queued behind it. */
  private readonly reports = new Map<string, Promise<void>>();

  constructor(
    private readonly root: string,
    private readonly onChange: (pluginDir: string) => Promise<void>,
    private readonly debounceMs = 100,
  ) {
    // What the folder holds at start is the platform's to load.
    this.watched = folderIdentity(root);
    if (this.watched !== undefined) this.watcher = this.watch(true);
    this.folderCheck = setInterval(() => this.checkFolder(), FOLDER_CHECK_MS).unref();
  }

  /** A folder made where there was none, or in place of the one watched: watched anew, all of it reported. */
  private checkFolder(): void {
    const identity = folderIdentity(this.root);
    if (identity === this.watched) return;
    this.watched = identity;
    const replaced = this.watcher;
    // A folder deleted is reported by the watcher that had it, plugin by plugin, as it goes.
    if (identity === undefined) return;
    this.watcher = this.watch(false);
    void replaced?.close();
  }

  private watch(ignoreInitial: boolean): FSWatcher {
    const watcher = watch(this.root, { ignoreInitial, ignored: (path) => IGNORED.test(path) });
    watcher.on('all', (_event, path) => {
      if (watcher === this.watcher) this.report(path);
    });
    return watcher;
  }

  private report(path: string): void {
    const folder = relative(this.root, path).split(sep)[0];
    if (!folder || folder.startsWith('..')) return;
    const dir = `${this.root}${sep}${folder}`;
    clearTimeout(this.timers.get(dir));
    this.timers.set(
      dir,
      setTimeout(() => {
        this.timers.delete(dir);
        const report = (this.reports.get(dir) ?? Promise.resolve())
          .then(() => this.onChange(dir))
          // A failed report must not hold up the folder's next one.
          .catch(() => {});
        this.reports.set(dir, report);
        void report.then(() => {
          if (this.reports.get(dir) === report) this.reports.delete(dir);
        });
      }, this.debounceMs),
    );
  }

  async close(): Promise<void> {
    clearInterval(this.folderCheck);
    for (const timer of this.timers.values()) clearTimeout(timer);
    await this.watcher?.close();
    // A rebuild under way finishes before what it writes to is closed.
    await Promise.all(this.reports.values());
  }
}
