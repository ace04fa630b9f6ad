import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENTRY } from '../../core/loader/load-plugins';
import { DEFAULT_PLUGINS_DIR } from '../../local/defaults';
import { NotFoundError } from '../../sdk/errors';

/** What `plugboard dev` serves: one plugin's folder, or a folder of plugin folders. */
export interface DevTarget {
  /** Absolute. */
  readonly dir: string;
  readonly single: boolean;
}

/**
 * The folder given, else the working directory when it is a plugin's, else ./plugins: an author
 * runs `plugboard dev` inside the plugin they are writing, or at the root of a project.
 */
export function devTarget(given: string | undefined, cwd = process.cwd()): DevTarget {
  const named = given ?? (existsSync(join(cwd, ENTRY)) ? '.' : DEFAULT_PLUGINS_DIR);
  const dir = resolve(cwd, named);
  if (existsSync(join(dir, ENTRY))) return { dir, single: true };
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new NotFoundError(
      `"${named}" is neither a plugin's folder (with an ${ENTRY}) nor a folder of plugin folders`,
    );
  return { dir, single: false };
}
