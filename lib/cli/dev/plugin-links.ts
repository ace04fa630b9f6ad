import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, symlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { watch } from 'chokidar';

export interface LinkedPlugin {
  /** A folder whose one plugin folder is the linked one. */
  readonly pluginsDir: string;
  close(): Promise<void>;
}

/**
 * Serves one plugin's folder where the platform wants a folder of plugin folders, without its
 * siblings (a folder's parent may be a home directory): `<under>/<name>/` is a real folder, as the
 * loader takes only those, of links to each entry of the plugin's folder. Links are followed when
 * building and watching, so edits reach the platform; entries added or removed later are linked or
 * unlinked as they come and go.
 */
export async function linkPluginFolder(dir: string, under: string): Promise<LinkedPlugin> {
  const source = resolve(dir);
  const linked = join(under, basename(source));
  await mkdir(linked, { recursive: true });
  const link = (name: string) =>
    symlink(join(source, name), join(linked, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  const watcher = watch(source, { depth: 0, ignoreInitial: true });
  watcher.on('all', (event, path) => {
    if (dirname(path) !== source) return;
    const name = basename(path);
    if (event === 'add' || event === 'addDir') void link(name).catch(() => undefined);
    // An editor's save by rename unlinks and adds at once: the link stays while the file is there.
    else if ((event === 'unlink' || event === 'unlinkDir') && !existsSync(path))
      void rm(join(linked, name), { force: true });
  });
  await new Promise<void>((ready) => watcher.once('ready', ready));
  // Linked once the watcher runs, so an entry added meanwhile is linked by one or the other.
  for (const name of await readdir(source)) await link(name);
  return { pluginsDir: under, close: () => watcher.close() };
}
