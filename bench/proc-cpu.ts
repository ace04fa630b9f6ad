import { readFile } from 'node:fs/promises';

/** Linux's clock ticks per second for /proc times (USER_HZ), 100 on every common build. */
const USER_HZ = 100;

/**
 * A process's CPU time so far (user and system, every thread), in µs, read from /proc: it works for
 * any child, of this checkout or another; undefined where there is no /proc.
 */
export async function procCpuMicros(pid: number | undefined): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  // Fields after the command's closing parenthesis; utime and stime are the 14th and 15th of all.
  const fields = stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields && ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / USER_HZ;
}
