import { resolve } from 'node:path';
import { applyServingHeapPolicy } from '../lib/local/heap-policy';
import { alternated } from './alternated';
import { type BusBench, type BusHandler, startBusBench } from './cases/events';
import { median } from './median';

/**
 * A/B of checkouts' local bus in one process, as compare-in-process.ts is for the invoke path: on this
 * loaded machine separate runs of bench/cases/events.ts spread over ±30%. Each checkout's platform is
 * started here with the bus case's 1,000 subscriptions, and windows of EVENTS events are published
 * to one at a time, alternated between them, so the machine's drift lands on each alike. It prints
 * each one's events per second and CPU time (this process's, every thread) per event by the median
 * window, and each checkout's ratios to the first by the median of the windows' ratios.
 *
 *   npx tsx bench/compare-bus.ts ../base .    (HANDLER events or action:echo, default events;
 *                                              WINDOWS, default 20; EVENTS, default 2000)
 */
const checkouts = process.argv.slice(2).map((dir) => resolve(dir));
const handler = (process.env.HANDLER ?? 'events') as BusHandler;
const windows = Number(process.env.WINDOWS ?? 20);
const events = Number(process.env.EVENTS ?? 2000);
const BUDGET_MS = 60_000;
if (checkouts.length < 2) throw new Error('name two or more checkouts, the first the baseline');
applyServingHeapPolicy();

/** Events per second and CPU µs per event of one window. */
async function window(bench: BusBench): Promise<{ rate: number; cpu: number }> {
  const before = process.cpuUsage();
  const figures = await bench.run(events, BUDGET_MS);
  const used = process.cpuUsage(before);
  return { rate: figures.eventsPerS, cpu: (used.user + used.system) / figures.events };
}

const benches: BusBench[] = [];
try {
  for (const checkout of checkouts) {
    const { startLocalPlatform } = await import(`${checkout}/lib/local/platform.ts`);
    benches.push(await startBusBench(handler, startLocalPlatform));
  }
  for (const bench of benches) await bench.run(2_000, BUDGET_MS);
  const runs = await alternated(benches.length, windows, (i) => window(benches[i]!));
  for (const [i, checkout] of checkouts.entries())
    console.log(
      `${checkout}: ${median(runs[i]!.map((r) => r.rate)).toFixed(0)} events/s, ${median(runs[i]!.map((r) => r.cpu)).toFixed(0)} µs CPU per event (median windows, ${handler})`,
    );
  for (let i = 1; i < checkouts.length; i++) {
    const rates = runs[i]!.map((r, w) => r.rate / runs[0]![w]!.rate);
    const cpus = runs[i]!.map((r, w) => r.cpu / runs[0]![w]!.cpu);
    console.log(
      `${checkouts[i]} against ${checkouts[0]}: events/s ${median(rates).toFixed(3)}, CPU per event ${median(cpus).toFixed(3)} by the median window; faster in ${rates.filter((r) => r > 1).length} of ${rates.length}`,
    );
  }
} finally {
  for (const bench of benches) await bench.close();
}
