import http from 'node:http';
import { resolve } from 'node:path';
import { applyServingHeapPolicy } from '../lib/local/heap-policy';
import { alternated } from './alternated';
import { startEchoPlatform } from './echo-platform';
import { ECHO_BODY } from './load';
import { median } from './median';

/**
 * A/B of checkouts in one process, for changes of a few per cent, which `compare.ts` cannot tell
 * apart on a loaded machine (its rounds of one code spread over ±20% there): each checkout's local
 * platform is started in this process, and a keep-alive HTTP client here sends the bench's echo call
 * to one platform at a time, in short windows alternated between them, so that the machine's drift
 * lands on each alike. It prints each one's CPU time (the process's, every thread) per request, and
 * each checkout's ratio to the first, overall and by the median of the windows' ratios.
 *
 *   npx tsx bench/compare-in-process.ts ../base .    (WINDOWS, default 80; WINDOW_MS, default 500)
 *
 * What it counts that the bench does not: the client's own CPU (the same for each checkout, so a
 * ratio understates a change, and an absolute difference is the change). What it shares: one heap,
 * so the events one platform's log keeps are marked in the full collections of every window.
 */
const checkouts = process.argv.slice(2).map((dir) => resolve(dir));
const windows = Number(process.env.WINDOWS ?? 80);
const windowMs = Number(process.env.WINDOW_MS ?? 500);
const CONNECTIONS = 50;
if (checkouts.length < 2) throw new Error('name two or more checkouts, the first the baseline');
applyServingHeapPolicy();

interface Target {
  readonly checkout: string;
  readonly url: URL;
  readonly headers: http.OutgoingHttpHeaders;
  readonly agent: http.Agent;
  close(): Promise<void>;
}

async function start(checkout: string): Promise<Target> {
  const { startLocalPlatform } = await import(`${checkout}/lib/local/platform.ts`);
  const { platform, url, authorization } = await startEchoPlatform(startLocalPlatform);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  return {
    checkout,
    url: new URL(url),
    headers: {
      authorization,
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(ECHO_BODY),
    },
    agent,
    close: async () => {
      agent.destroy();
      await platform.bus.idle();
      await platform.close();
    },
  };
}

function call(target: Target): Promise<void> {
  return new Promise((done, fail) => {
    const { hostname, port, pathname } = target.url;
    const request = http.request(
      { hostname, port, path: pathname, method: 'POST', agent: target.agent, headers: target.headers },
      (response) => {
        if (response.statusCode !== 200) fail(new Error(`${target.checkout}: ${response.statusCode}`));
        response.resume();
        response.on('end', done);
      },
    );
    request.on('error', fail);
    request.end(ECHO_BODY);
  });
}

/** CPU µs per request over `ms` of load on one target, its connections all idle again at the end. */
async function window(target: Target, ms: number): Promise<number> {
  const end = performance.now() + ms;
  let requests = 0;
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        await call(target);
        requests++;
      }
    }),
  );
  const used = process.cpuUsage(before);
  return (used.user + used.system) / requests;
}

const targets: Target[] = [];
for (const checkout of checkouts) targets.push(await start(checkout));
try {
  for (const target of targets) await window(target, 8_000);
  const cpu = await alternated(targets.length, windows, (i) => window(targets[i]!, windowMs));
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;
  for (const [i, target] of targets.entries())
    console.log(`${target.checkout}: ${mean(cpu[i]!).toFixed(1)} µs CPU per request (mean of the windows)`);
  for (let i = 1; i < targets.length; i++) {
    const ratios = cpu[i]!.map((value, w) => value / cpu[0]![w]!);
    console.log(
      `${targets[i]!.checkout} against ${targets[0]!.checkout}: ${(mean(cpu[i]!) / mean(cpu[0]!)).toFixed(3)} overall, ${median(ratios).toFixed(3)} by the median window, lower in ${ratios.filter((r) => r < 1).length} of ${ratios.length}`,
    );
  }
} finally {
  for (const target of targets) await target.close();
}
