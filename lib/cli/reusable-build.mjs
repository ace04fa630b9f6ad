// @ts-check
// JavaScript rather than TypeScript: bin/run.mjs reads it before it has compiled anything.
import { readFile, rename, stat, utimes, writeFile } from 'node:fs/promises';

/**
 * A file as a build read it. Any write to a file sets its ctime, which no tool can set back, so a file
 * whose size, mtime and ctime are all unchanged holds what the build read; mtime alone can be restored
 * (`touch -r`, archives) and size alone misses an edit of the same length.
 * @typedef {{ size: number, mtimeMs: number, ctimeMs: number }} Stamp
 */

/**
 * What a build was made of: its files, and every file whose content they depend on, stamped.
 * @typedef {object} BuildRecord
 * @property {string} key what else the build depends on (its entry, the compiler's version)
 * @property {string} output the build's entry file, the one to import, an absolute path
 * @property {string[]} chunks the files the entry imports, absolute paths
 * @property {Record<string, Stamp>} inputs absolute path to stamp
 */

/**
 * A file written within this long before the build began may have been written again while the build
 * read it, under the same timestamp: file systems stamp with a clock coarser than `Date.now()`.
 */
const RACY_MS = 1_000;

/**
 * The output of the recorded build when it is `key`'s and none of its inputs changed since, else
 * undefined, as when one of its files is gone. Their mtimes are set to now, so that a start building
 * other sources at this moment counts them as fresh and leaves them (bin/run.mjs removes older builds
 * only once a minute old).
 * @param {string} recordFile
 * @param {string} key
 * @returns {Promise<string | undefined>}
 */
export async function reusableBuild(recordFile, key) {
  /** @type {BuildRecord | undefined} */
  const record = await readFile(recordFile, 'utf8').then(JSON.parse, () => undefined);
  if (record?.key !== key) return undefined;
  for (const [file, stamp] of Object.entries(record.inputs)) {
    const now = await stampOf(file);
    if (!now || now.size !== stamp.size || now.mtimeMs !== stamp.mtimeMs || now.ctimeMs !== stamp.ctimeMs)
      return undefined;
  }
  const claimed = new Date();
  for (const file of [...record.chunks, record.output]) {
    const kept = await utimes(file, claimed, claimed).then(
      () => true,
      () => false,
    );
    if (!kept) return undefined;
  }
  return record.output;
}

/**
 * Records the build just written to `output` and `chunks` from `inputs`, for the next start to reuse.
 * Not recorded when an input cannot be read or was written since `startedAt` (less RACY_MS): what the
 * build read of it is unknown, so the next start builds afresh.
 * @param {string} recordFile
 * @param {{ key: string, output: string, chunks: string[], inputs: readonly string[], startedAt: number }} build
 */
export async function recordBuild(recordFile, { key, output, chunks, inputs, startedAt }) {
  /** @type {Record<string, Stamp>} */
  const stamps = {};
  for (const file of inputs) {
    const stamp = await stampOf(file);
    if (!stamp || stamp.ctimeMs >= startedAt - RACY_MS) return;
    stamps[file] = stamp;
  }
  /** @type {BuildRecord} */
  const record = { key, output, chunks, inputs: stamps };
  await writeWhole(recordFile, JSON.stringify(record));
}

/**
 * Writes a file aside and renames it: two starts at once (tests do) must never read a half-written one.
 * @param {string} file
 * @param {string | Uint8Array} contents
 */
export async function writeWhole(file, contents) {
  const staging = `${file}.${process.pid}.tmp`;
  await writeFile(staging, contents);
  await rename(staging, file);
}

/** @param {string} file @returns {Promise<Stamp | undefined>} */
const stampOf = (file) =>
  stat(file).then(
    ({ size, mtimeMs, ctimeMs }) => ({ size, mtimeMs, ctimeMs }),
    () => undefined,
  );
