import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { LoadProblems, LogFn } from '../core/dispatcher/deps';
import { issueText } from '../core/loader/check-plugin';
import { duplicateSlug, loadOrder } from '../core/loader/load-plugins';
import type { RefusedFolder } from '../core/loader/types';
import type { OptionalHandler, Registry } from '../core/ports';
import type { Manifest } from '../sdk/manifest';
import { PluginWatcher } from './plugin-watcher';
import { warnOfOutdated } from './warn-of-outdated';

/**
 * One kind of plugin folder the platform watches (TypeScript under `plugins/`, processes under
 * `plugins-external/`): how a folder of it is read, served and let go.
 */
export interface PluginFolderKind {
  /** The folder holding one folder per plugin of this kind. */
  readonly root: string;
  /** The file that makes a folder a plugin of this kind. */
  readonly entryFile: string;
  /** The folder's plugin as its files are now, checked as at start, or why it is refused. */
  read(dir: string): Promise<{ loaded: FolderPlugin } | RefusedFolder>;
  /** Stops serving the slug. */
  unload(slug: string): void;
}

/** A folder's plugin, read and not yet serving. */
export interface FolderPlugin {
  readonly slug: string;
  readonly manifest: Manifest;
  readonly handlers?: OptionalHandler[];
  /** Serves it from now on in place of what served its slug before. */
  start(): Promise<void>;
}

/** A plugin serving its changed files. */
export interface ReloadedPlugin {
  readonly slug: string;
  /** The plugin's folder. */
  readonly dir: string;
}

/** Which folder serves each slug, and what GET /v1/plugins reports of those that do not load. */
export interface PluginFolders {
  owners: Map<string, string>;
  problems: LoadProblems;
}

export interface ReloadDeps {
  registry: Registry;
  /** In the order a start loads them: of two kinds' folders with one slug, the first kind's wins. */
  kinds: readonly PluginFolderKind[];
  folders: PluginFolders;
  log: LogFn;
  onPluginReloaded: ((reloaded: ReloadedPlugin) => void) | undefined;
}

/**
 * Brings one folder's plugin in line with its files after they changed, under the start-time
 * loader's rules: a slug stays with the folder that has it (of two plugins with one slug the first
 * wins), a folder whose slug changed gives up its old one, a folder that is gone or lost its entry
 * file stops serving, and a slug given up is served by a folder refused it, as after a restart
 * (see `handOver`). A change that does not load leaves the previous version serving.
 */
async function reloadPlugin(dir: string, deps: ReloadDeps): Promise<void> {
  const kind = deps.kinds.find((k) => k.root === dirname(dir));
  if (!kind) return;
  const served = [...deps.folders.owners].find(([, owner]) => owner === dir)?.[0];
  await applyReload(dir, kind, served, deps);
  if (served !== undefined && !deps.folders.owners.has(served)) await handOver(served, dir, deps);
}

/** Reloads the folder and reports the outcome: logged, and kept in the load problems if refused. */
async function applyReload(
  dir: string,
  kind: PluginFolderKind,
  served: string | undefined,
  deps: ReloadDeps,
): Promise<void> {
  const { folders, log } = deps;
  const started = performance.now();
  const outcome = await reloadFolder(dir, kind, served, deps).catch(
    (error: Error): Reloaded => ({ errors: [{ dir, message: error.message }] }),
  );
  const { problems } = folders;
  problems.skipped = problems.skipped.filter((p) => p.dir !== dir);
  problems.errors = problems.errors.filter((p) => p.dir !== dir);
  if (outcome === undefined) return;
  if (!outcome.loaded) {
    if (outcome.skipped) problems.skipped.push(outcome.skipped);
    problems.errors.push(...outcome.errors);
    const refused = [outcome.skipped?.reason ?? [], outcome.errors.map(issueText)].flat();
    if (served === undefined) log('error', 'plugin not loaded', { dir, errors: refused });
    else
      log('error', 'plugin not reloaded; the previous version keeps serving', {
        dir,
        slug: served,
        errors: refused,
      });
    return;
  }
  const { slug } = outcome.loaded;
  log('info', 'plugin reloaded', { dir, slug, ms: Math.round(performance.now() - started) });
  deps.onPluginReloaded?.({ slug, dir });
}

/**
 * A slug a folder let go goes where a restart would put it: to the first, in load order, of the
 * folders refused it for being taken by that folder. Each is reloaded in turn, from its files as
 * they are now, so the others are refused again in the name of the new owner.
 */
async function handOver(slug: string, from: string, deps: ReloadDeps): Promise<void> {
  const rank = (dir: string) => deps.kinds.findIndex((k) => k.root === dirname(dir));
  const refused = deps.folders.problems.errors
    .filter((e) => e.slug === slug && e.message === duplicateSlug(e.dir, slug, from).message)
    .map((e) => e.dir)
    .sort((a, b) => rank(a) - rank(b) || loadOrder(basename(a), basename(b)));
  for (const dir of refused) await reloadPlugin(dir, deps);
}

type Reloaded = { loaded: FolderPlugin } | RefusedFolder;

/**
 * The folder's new state, applied: undefined when it has no plugin (any slug it served released),
 * the plugin now served, or why it was refused.
 */
async function reloadFolder(
  dir: string,
  kind: PluginFolderKind,
  served: string | undefined,
  deps: ReloadDeps,
): Promise<Reloaded | undefined> {
  const { registry, folders } = deps;
  if (!existsSync(join(dir, kind.entryFile))) {
    if (served !== undefined)
      await release(served, dir, kind, `its folder or ${kind.entryFile} is gone`, deps);
    return undefined;
  }
  const found = await kind.read(dir);
  if (!found.loaded) return found;
  const { slug, manifest, handlers } = found.loaded;
  const owner = folders.owners.get(slug);
  if (owner !== undefined && owner !== dir) return { errors: [duplicateSlug(dir, slug, owner)] };
  await found.loaded.start();
  await registry.putPlugin({
    slug,
    manifest,
    ...(handlers ? { handlers } : {}),
    status: 'loaded',
    updatedAt: new Date().toISOString(),
  });
  folders.owners.set(slug, dir);
  await warnOfOutdated(registry, [manifest], deps.log);
  if (served !== undefined && served !== slug)
    await release(served, dir, kind, `its folder now has slug "${slug}"`, deps);
  return found;
}

/** Stops serving a slug, as the start-time loader does with a plugin whose folder is gone. */
async function release(
  slug: string,
  dir: string,
  kind: PluginFolderKind,
  why: string,
  { registry, folders, log }: ReloadDeps,
) {
  folders.owners.delete(slug);
  kind.unload(slug);
  const stored = await registry.getPlugin(slug);
  if (stored) await registry.putPlugin({ ...stored, status: 'removed', updatedAt: new Date().toISOString() });
  log('info', `plugin removed: ${why}`, { dir, slug });
}

/** Watches each kind's folder and reloads each plugin folder that changed (see PluginWatcher). */
export function watchPluginFolders(deps: ReloadDeps): { close(): Promise<void> } {
  let reloads = Promise.resolve();
  const watchers = deps.kinds.map(
    (kind) =>
      new PluginWatcher(kind.root, (dir) => {
        // One folder at a time across folders and kinds too: which folder holds a slug is decided in turn.
        const reload = reloads.then(() => reloadPlugin(dir, deps));
        reloads = reload.catch(() => undefined);
        return reload;
      }),
  );
  return { close: async () => void (await Promise.all(watchers.map((w) => w.close()))) };
}
