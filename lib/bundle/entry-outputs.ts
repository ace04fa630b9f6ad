import { basename, resolve } from 'node:path';
import type { Metafile } from 'esbuild';

/** A file a build wrote for one of its entry points. */
export interface EntryOutput {
  /** Absolute. */
  file: string;
  bytes: number;
}

/**
 * The `.mjs` files a build wrote for its entry points, by the name each was given (`entryNames`
 * `[name]<infix>.[hash]`): by that name, since the entry's path in the metafile may be its target's,
 * past a symlink. Paths in the metafile are relative to the build's working directory.
 */
export function entryOutputs(metafile: Metafile, workingDir: string, infix = ''): Map<string, EntryOutput> {
  const named = new RegExp(`^(.+)${infix.replaceAll('.', '\\.')}\\.[A-Z0-9]+\\.mjs$`);
  const outputs = new Map<string, EntryOutput>();
  for (const [output, { bytes }] of Object.entries(metafile.outputs)) {
    const name = named.exec(basename(output))?.[1];
    if (name !== undefined) outputs.set(name, { file: resolve(workingDir, output), bytes });
  }
  return outputs;
}
