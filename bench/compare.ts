import { resolve } from 'node:path';
import { measureServer } from './load';
import { median } from './median';

/**
 * A/B of server scripts under the bench's load, alternating them round after round so that the
 * machine's drift lands on each alike, and printing each one's median requests/s, CPU per request and
 * resident memory at the end of the load.
 * A script outside the project (a `git worktree` of another commit, say) compares two versions:
 *
 *   npx tsx bench/compare.ts bench/servers/platform.ts ../other/bench/servers/platform.ts
 *
 * ROUNDS (default 3) sets the rounds; each run is the bench's 10 s warm-up and 10 s measured.
 */
const scripts = process.argv.slice(2);
const rounds = Number(process.env.ROUNDS ?? 3);
if (scripts.length === 0)
  throw new Error('name one or more server scripts, such as bench/servers/platform.ts');

const runs = new Map<string, { rps: number; cpu: number; rss: number }[]>(
  scripts.map((script) => [script, []]),
);
for (let round = 1; round <= rounds; round++) {
  for (const script of scripts) {
    const result = await measureServer(resolve(script));
    runs.get(script)!.push({ rps: result.rps, cpu: result.cpuUsPerRequest ?? Number.NaN, rss: result.rssMb });
    console.log(
      `round ${round} ${script}: ${Math.round(result.rps)} req/s, ${Math.round(result.cpuUsPerRequest ?? Number.NaN)} µs CPU per request, ${Math.round(result.rssMb)} MB resident at the end, ${result.failures} failed`,
    );
  }
}
for (const [script, results] of runs) {
  console.log(
    `median ${script}: ${Math.round(median(results.map((r) => r.rps)))} req/s, ${Math.round(median(results.map((r) => r.cpu)))} µs CPU per request, ${Math.round(median(results.map((r) => r.rss)))} MB resident`,
  );
}
