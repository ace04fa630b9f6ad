import { rename, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dispatcherCases } from './cases/dispatcher-import';
import type { eventCases } from './cases/events';
import { httpCases } from './cases/http';
import type { registryCases } from './cases/registry';
import { runCase } from './child';
import type { LoadResult } from './load';
import { ensurePeers } from './peers';

/**
 * `npm run bench`: every case in one run, one after another on 127.0.0.1, so that the ratios compare
 * figures taken on the same (shared, noisy) machine. Prints a table and writes bench/results.json.
 */
const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url));

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const cpuUs = (run: LoadResult) => (run.cpuUsPerRequest === undefined ? null : round(run.cpuUsPerRequest, 0));

const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  process.stdout.write(`${name} ... `);
  const result = await run();
  console.log(`${((performance.now() - started) / 1000).toFixed(0)} s`);
  return result;
};

await step('peers', ensurePeers);
const http = await step('http: bare node:http, Hono, Hono + worker, invoke, serverless-offline', () =>
  httpCases(),
);
const dispatcher = await step('dispatcher bundle and cold import', () => dispatcherCases());
const events = await step('events: matching and the local bus', () =>
  runCase<Awaited<ReturnType<typeof eventCases>>>('bench/cases/events.ts'),
);
const registry = await step('registry: cached get, 10k listing', () =>
  runCase<Awaited<ReturnType<typeof registryCases>>>('bench/cases/registry.ts', 600_000),
);

const peer = 'rps' in http.serverlessOffline ? http.serverlessOffline : undefined;
if (!peer)
  console.log(
    `serverless-offline not measured: ${'error' in http.serverlessOffline ? http.serverlessOffline.error : ''}`,
  );
for (const [name, run] of [
  ['bare_http', http.bare],
  ['hono', http.hono],
  ['hono_worker', http.honoWorker],
  ['invoke', http.invoke],
  ['serverless_offline', peer],
] as const)
  if (run && run.failures > 0)
    console.log(`warning: ${name} had ${run.failures} failed requests of ${run.requests}`);

const results = {
  invoke_rps: round(http.invoke.rps, 0),
  bare_http_rps: round(http.bare.rps, 0),
  serverless_offline_rps: peer ? round(peer.rps, 0) : null,
  hono_rps: round(http.hono.rps, 0),
  hono_worker_rps: round(http.honoWorker.rps, 0),
  invoke_vs_bare_http: round(http.invoke.rps / http.bare.rps, 3),
  invoke_vs_serverless_offline: peer ? round(http.invoke.rps / peer.rps, 2) : null,
  hono_vs_bare_http: round(http.hono.rps / http.bare.rps, 3),
  hono_worker_vs_bare_http: round(http.honoWorker.rps / http.bare.rps, 3),
  invoke_cpu_us_per_request: cpuUs(http.invoke),
  bare_http_cpu_us_per_request: cpuUs(http.bare),
  hono_cpu_us_per_request: cpuUs(http.hono),
  hono_worker_cpu_us_per_request: cpuUs(http.honoWorker),
  serverless_offline_cpu_us_per_request: peer ? cpuUs(peer) : null,
  invoke_p99_ms: http.invoke.p99Ms,
  bare_http_p99_ms: http.bare.p99Ms,
  serverless_offline_p99_ms: peer ? peer.p99Ms : null,
  invoke_rss_mb: round(http.invokeRssMb, 0),
  dispatcher_bundle_kb: round(dispatcher.bundleKb, 0),
  dispatcher_import_ms: round(dispatcher.importMs, 1),
  empty_import_ms: round(dispatcher.emptyImportMs, 1),
  plugin_bundle_kb: round(dispatcher.pluginBundleKb, 0),
  plugin_import_ms: round(dispatcher.pluginImportMs, 1),
  bus_events_per_s_1000_subs: round(events.bus.eventsPerS, 1),
  bus_matches_per_event: round(events.bus.matchesPerEvent, 2),
  bus_events_per_s_1000_subs_action: round(events.busActions.eventsPerS, 1),
  match_us_10_subs: round(events.match10),
  match_us_1000_subs: round(events.match1000),
  registry_get_cached_us: round(registry.getCachedUs),
  registry_list_10k_ms: round(registry.list10kMs, 0),
  registry_create_per_s: round(registry.createPerS, 0),
  failed_requests: {
    invoke: http.invoke.failures,
    bare_http: http.bare.failures,
    hono: http.hono.failures,
    hono_worker: http.honoWorker.failures,
    serverless_offline: peer?.failures ?? null,
  },
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory_gb: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    at: new Date().toISOString(),
  },
};

const figures = Object.entries(results).filter(([, value]) => typeof value !== 'object' || value === null);
const width = Math.max(...figures.map(([key]) => key.length));
console.log(`\n${figures.map(([key, value]) => `${key.padEnd(width)}  ${value ?? 'n/a'}`).join('\n')}`);
await writeFile(`${RESULTS}.tmp`, `${JSON.stringify(results, null, 2)}\n`);
await rename(`${RESULTS}.tmp`, RESULTS);
console.log(`\nwritten to bench/results.json`);
