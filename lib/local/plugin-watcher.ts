import { relative, sep } from 'node:path';
import { watch } from 'chokidar';

/**
 * Files that do not change what a plugin does; among them the bytecode Python writes when a process
 * plugin's command runs, which would otherwise have each read of the plugin report another change.
 */
const IGNORED = /(^|[/\\])(node_modules|\.git|__pycache__)([/\\]|$)|\.test\.ts$|\.md$/;

/**
 * Watches a plugins folder, TypeScript or process plugins, and reports, once per burst of changes,
 * the folder of each plugin that changed, so only that plugin is reloaded. One folder's reports
 * wait for each other: a change made while the plugin reloads is reloaded after it, never beside
 * it, so the last reload started is the one left serving. The folder may be missing, at start or
 * later: its plugins are reported once it is created.
 */
export class PluginWatcher {
  private readonly watcher;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Per folder, the report under way and those queued behind it. */
  private readonly reports = new Map<string, Promise<void>>();

  constructor(
    private readonly root: string,
    onChange: (pluginDir: string) => Promise<void>,
    debounceMs = 100,
  ) {
    this.watcher = watch(root, { ignoreInitial: true, ignored: (path) => IGNORED.test(path) });
    this.watcher.on('all', (event, path) => {
      // Chokidar stops watching a folder it watched once it is deleted, but watches for a missing
      // one to be created: added again, the folder is watched for.
      if (event === 'unlinkDir' && path === this.root) this.watcher.add(this.root);
      const folder = relative(this.root, path).split(sep)[0];
      if (!folder || folder.startsWith('..')) return;
      const dir = `${this.root}${sep}${folder}`;
      clearTimeout(this.timers.get(dir));
      this.timers.set(
        dir,
        setTimeout(() => {
          this.timers.delete(dir);
          const report = (this.reports.get(dir) ?? Promise.resolve())
            .then(() => onChange(dir))
            // A failed report must not hold up the folder's next one.
            .catch(() => {});
          this.reports.set(dir, report);
          void report.then(() => {
            if (this.reports.get(dir) === report) this.reports.delete(dir);
          });
        }, debounceMs),
      );
    });
  }

  async close(): Promise<void> {
    for (const timer of this.timers.values()) clearTimeout(timer);
    await this.watcher.close();
    // A rebuild under way finishes before what it writes to is closed.
    await Promise.all(this.reports.values());
  }
}
