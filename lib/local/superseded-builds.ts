import { readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface SupersededBuilds {
  /** The folder the builds are written to. */
  readonly dir: string;
  /** The build just written, as an absolute path: it and every build newer than it stay. */
  readonly current: string;
  /** What the builds' file names start with, before esbuild's `[hash]` and `.mjs` (or `.mjs.map`). */
  readonly prefix: string;
  /** Builds still loaded from their file, such as a worker's bundle until it ends. @default none */
  readonly inUse?: (file: string) => boolean;
}

/**
 * Removes the builds of one thing that a newer one supersedes. Builds are named by their content
 * (ESM caches modules by URL, so a changed plugin must be a new file), so without this a data
 * folder gains a file per edit and per restart. Only builds older than `current` go, so a build
 * finishing at the same moment keeps its file; a source map goes with its build. Housekeeping only:
 * a file that cannot be read or removed is left, and never fails the build that asked.
 */
export async function removeSupersededBuilds({
  dir,
  current,
  prefix,
  inUse = () => false,
}: SupersededBuilds): Promise<void> {
  const folder = resolve(dir);
  const written = await modifiedAt(current);
  for (const name of await readdir(folder).catch(() => [])) {
    if (!name.startsWith(prefix) || !HASH_AND_EXTENSION.test(name.slice(prefix.length))) continue;
    const file = join(folder, name);
    const build = file.endsWith('.map') ? file.slice(0, -'.map'.length) : file;
    if (build === current || inUse(build)) continue;
    if ((await modifiedAt(file)) <= written) await rm(file, { force: true }).catch(() => undefined);
  }
}

/** esbuild's `[hash]` (base32 of the content), then the module's extension or its source map's. */
const HASH_AND_EXTENSION = /^[A-Z0-9]+\.mjs(\.map)?$/;

/** When a file was last written; NaN when it cannot be read, which no comparison lets through. */
const modifiedAt = (file: string): Promise<number> =>
  stat(file).then(
    (found) => found.mtimeMs,
    () => Number.NaN,
  );
