import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { DynamoDbEventStore } from '../aws/dynamodb-event-store';
import { DynamoDbRegistry } from '../aws/dynamodb-registry';
import { eventBusName } from '../aws/names';
import { CachedRegistry } from '../core/cached-registry';
import { createDispatcherApp } from '../core/dispatcher/app';
import type { DispatcherDeps, LoadProblems, LogFn } from '../core/dispatcher/deps';
import type { App } from '../core/dispatcher/env';
import { createEventsPlatform, type EventsPlatform } from '../core/events/events-platform';
import { type RetryPolicy, timerSleep } from '../core/events/retry-policy';
import { settleAnnouncements } from '../core/instances/announcements';
import { type ImportModule, type LoadReport, loadPlugins } from '../core/loader';
import { ENTRY, loadFolder } from '../core/loader/load-plugins';
import type { EventStore, GuardStore, Registry } from '../core/ports';
import { UnavailableError } from '../sdk/errors';
import type { Manifest } from '../sdk/manifest';
import { withAwsCompat } from './aws-compat/aws-compat';
import { FileEventLog } from './bus/file-event-log';
import { LocalEventBus } from './bus/local-event-bus';
import { LocalEventStore } from './bus/local-event-store';
import { CALLS_UNDER_WAY_FILE, recordingCallsUnderWay } from './calls-under-way';
import { answerClientErrors } from './client-errors';
import { moveCredentialsToGenerations } from './credentials-by-generation';
import { DEFAULT_DATA_DIR, DEFAULT_PLUGINS_DIR, DEFAULT_PORT, DEFAULT_SHUTDOWN_GRACE_MS } from './defaults';
import { createDynamoClient, LOCAL_REGISTRY_TABLE, startDynalite } from './dynalite';
import { FileCredentialStore } from './file-credential-store';
import { closeGracefully } from './graceful-close';
import { InvokerByPlugin } from './invoker-by-plugin';
import { createLocalLogger, type LogSink } from './log';
import { type SettlementSchedule, settlingPeriodically } from './periodic-settlement';
import { importPluginModule, importPluginModules } from './plugin-module';
import { type PluginFolderKind, type ReloadedPlugin, watchPluginFolders } from './plugin-reload';
import { ProcessInvoker } from './process/process-invoker';
import {
  type ProcessLoadReport,
  processFolders,
  readProcessPlugins,
  serveProcessPlugins,
} from './process/process-plugins';
import { bearerAuthenticator, loadOrCreateToken } from './token';
import { readingUnreadBodies } from './unread-body';
import { warnOfOutdated } from './warn-of-outdated';
import { hostFor } from './worker/host';
import { WorkerInvoker } from './worker/worker-invoker';

export type { ReloadedPlugin } from './plugin-reload';

export const LOCAL_STAGE = 'local';
export const LOCAL_ORIGIN = { account: '000000000000', region: 'local' };

export interface LocalPlatformOptions {
  /** @default 'plugins' */
  readonly pluginsDir?: string;
  /** Registry, credentials, token and bundles live here. @default '.plugboard' */
  readonly dataDir?: string;
  /** Keep the registry in memory and state in a temporary folder removed on close. @default false */
  readonly memory?: boolean;
  /** 0 picks a free port. @default 4680 */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /**
   * Rebuild and swap a plugin's worker when its files change, and read a process plugin again and
   * replace its process when its folder's files change. @default true
   */
  readonly watch?: boolean;
  /** Where log lines go. @default stdout */
  readonly logSink?: LogSink;
  /** Retries of the local bus before a delivery goes to the dead-letter queue. @default DEFAULT_RETRY */
  readonly retry?: RetryPolicy;
  /**
   * A folder of plugins in other languages: one folder each with a `plugboard.json` naming the
   * command that speaks the envelope as JSON lines (see plugins-external/). One that does not
   * exist yet serves nothing; watched, it serves its plugins once created. @default none
   */
  readonly processPluginsDir?: string;
  /**
   * How long `close()` lets requests under way finish before cutting their connections.
   * @default DEFAULT_SHUTDOWN_GRACE_MS (10 s: a call's default timeout)
   */
  readonly shutdownGraceMs?: number;
  /**
   * Origins of browser apps allowed to call the API, answered as API Gateway answers them on AWS
   * with the same list (`corsOrigins` of PlatformApi). @default none: no CORS
   */
  readonly corsOrigins?: readonly string[];
  /**
   * Told of each plugin reloaded and serving again after its files changed (`plugboard dev` checks
   * it then). Not told of a change that did not load: the previous version keeps serving. @default none
   */
  readonly onPluginReloaded?: (reloaded: ReloadedPlugin) => void;
  /**
   * How often, while it runs, the platform settles the announcements of instance writes that a
   * failure left held, and how old they must be: as on AWS. Those a killed process left are settled
   * at start, before it serves. @default ANNOUNCEMENT_SETTLEMENT (every 5 minutes, held over 2)
   */
  readonly announcementSettlement?: SettlementSchedule;
  /**
   * Keep in the data folder the calls the plugins' workers have run for a while
   * (see calls-under-way.ts), for a supervisor to name if the process dies. @default false
   */
  readonly recordCallsUnderWay?: boolean;
}

export interface LocalPlatform {
  readonly url: string;
  /** The port it listens on (the one picked, when asked for 0). */
  readonly port: number;
  readonly token: string;
  readonly tokenFile: string;
  readonly dataDir: string;
  /** Where it keeps the calls under way for a while, when asked to (`recordCallsUnderWay`). */
  readonly callsUnderWayFile: string | undefined;
  readonly report: LoadReport;
  readonly app: App;
  /** The ports the app runs on, for building the same app behind another adapter. */
  readonly deps: DispatcherDeps;
  readonly registry: Registry;
  readonly invoker: WorkerInvoker;
  /** Plugins in other languages served from `processPluginsDir`, and those that did not load. */
  readonly processPlugins: ProcessLoadReport;
  readonly bus: LocalEventBus;
  /** The event log, dead letters and the rest of the events' records, for building the events again. */
  readonly eventStore: EventStore & GuardStore;
  readonly events: EventsPlatform;
  close(): Promise<void>;
}

/** The whole platform in one process: dynalite, encrypted credentials, worker threads, the dispatcher. */
export async function startLocalPlatform(options: LocalPlatformOptions = {}): Promise<LocalPlatform> {
  const pluginsDir = resolve(options.pluginsDir ?? DEFAULT_PLUGINS_DIR);
  const dataDir = options.memory
    ? await mkdtemp(join(tmpdir(), 'plugboard-'))
    : resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const log = createLocalLogger(options.logSink);
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
    if (options.memory) await rm(dataDir, { recursive: true, force: true });
  };

  // Read while the registry starts, as neither needs it: esbuild, which builds the plugins'
  // modules, and the process plugins' `--manifest` commands each run in a process of their own.
  const modulesDir = join(dataDir, 'modules');
  const reading = {
    report: loadPlugins(
      pluginsDir,
      importPluginModules(modulesDir, ({ modules, builds, ms }) =>
        log.platform('info', 'plugin modules built', {
          folders: [...modules]
            .filter(([, built]) => 'file' in built)
            .map(([entry]) => basename(dirname(entry))),
          builds,
          ms: Math.round(ms),
        }),
      ),
    ),
    processPlugins: options.processPluginsDir
      ? readProcessPlugins(options.processPluginsDir)
      : Promise.resolve([]),
  };
  // Each is awaited where it is used: failing before then, neither is an unhandled rejection.
  for (const read of Object.values(reading)) read.catch(() => undefined);
  try {
    const { token, file: tokenFile } = await loadOrCreateToken(dataDir);
    const dynamo = await startDynalite({ path: options.memory ? undefined : join(dataDir, 'registry') });
    closers.push(() => dynamo.close());
    if (dynamo.repair) {
      const { reindexed, removed } = dynamo.repair;
      log.platform(
        reindexed + removed > 0 ? 'warn' : 'info',
        'the registry was not closed last time: its index was checked against its items',
        { ...dynamo.repair },
      );
    }
    const client = createDynamoClient(dynamo.endpoint);
    closers.push(async () => client.destroy());
    const registry = new CachedRegistry(new DynamoDbRegistry({ client, tableName: LOCAL_REGISTRY_TABLE }), {
      ttlMs: 60_000,
    });
    const credentials = new FileCredentialStore({ dir: dataDir });
    const eventLog = await FileEventLog.open({ file: join(dataDir, 'events.ndjson') });
    closers.push(() => eventLog.close());
    const eventStore = new LocalEventStore(
      new DynamoDbEventStore({ client, tableName: LOCAL_REGISTRY_TABLE }),
      eventLog,
    );
    const bus = new LocalEventBus(eventStore);
    const pluginHost = (slug: string) => hostFor(slug, { registry, credentials, bus, stage: LOCAL_STAGE });
    const invoker = new WorkerInvoker({
      bundleDir: join(dataDir, 'bundles'),
      hostFor: pluginHost,
      onLog: log.plugin,
      ...LOCAL_ORIGIN,
    });
    closers.push(() => invoker.close());
    const callsUnderWayFile = options.recordCallsUnderWay ? join(dataDir, CALLS_UNDER_WAY_FILE) : undefined;
    if (callsUnderWayFile)
      closers.push(
        recordingCallsUnderWay(callsUnderWayFile, (epochMs) => invoker.callsStartedBefore(epochMs)),
      );

    const importModule = (entry: string) => importPluginModule(entry, modulesDir);
    const report = await reading.report;
    await syncPlugins(registry, invoker, report, log);
    const processes = new ProcessInvoker({ onLog: log.plugin, hostFor: pluginHost, ...LOCAL_ORIGIN });
    closers.push(() => processes.close());
    const processPlugins = await serveProcessPlugins(await reading.processPlugins, {
      registry,
      invoker: processes,
      taken: new Map(report.loaded.map((p) => [p.slug, p.dir])),
    });
    await markRemovedAndWarn(
      registry,
      [...report.loaded, ...processPlugins.loaded].map((plugin) => plugin.manifest),
      log.platform,
    );
    const problems: LoadProblems = {
      skipped: [...report.skipped, ...processPlugins.skipped],
      errors: [...report.errors, ...processPlugins.errors],
    };

    const deps: DispatcherDeps = {
      registry,
      credentials,
      invoker: new InvokerByPlugin([processes], invoker),
      bus,
      authenticate: bearerAuthenticator(token),
      stage: LOCAL_STAGE,
      origin: LOCAL_ORIGIN,
      loadProblems: () => problems,
      log: log.platform,
    };
    const events = createEventsPlatform(deps, {
      store: eventStore,
      guards: eventStore,
      webhookSecrets: credentials,
      sleep: timerSleep,
      retry: options.retry,
      journal: eventLog,
    });
    // Closed before the workers: deliveries stop retrying rather than fail on closed workers.
    closers.push(() => bus.close());
    await moveCredentialsToGenerations(registry, credentials, LOCAL_STAGE, log.platform);
    // Before serving, nothing else writes: every announcement still held is one a killed process
    // left, settled at once. Its event is logged now and delivered once the bus starts.
    const announcing = { ...deps, bus: events.dispatcher.announcements ?? bus };
    await settleAnnouncements(announcing, 0);
    const app = createDispatcherApp(deps, { ...events.dispatcher, corsOrigins: options.corsOrigins });
    // Lambda's and EventBridge's APIs on the same port, for AWS tools pointed at the platform.
    const fetch = readingUnreadBodies(
      withAwsCompat(app.fetch, {
        ...deps,
        busNames: ['default', eventBusName(LOCAL_STAGE)],
      }),
    );
    const host = options.host ?? '127.0.0.1';
    const port = options.port ?? DEFAULT_PORT;
    const server = serve({ fetch, port, hostname: host });
    answerClientErrors(server);
    await new Promise<void>((ok, fail) => {
      server.once('listening', ok);
      server.once('error', (error: NodeJS.ErrnoException) => fail(listenError(error, host, port)));
    });
    closers.push(() =>
      closeGracefully(server as Server, options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS),
    );
    const { port: boundPort, address } = server.address() as AddressInfo;
    // Events logged before this point (or left undelivered by a killed process) are delivered now.
    await bus.start(events.router);
    closers.push(settlingPeriodically(announcing, options.announcementSettlement));

    if (options.watch ?? true) {
      const typescript = typescriptFolders(pluginsDir, invoker, importModule);
      const watcher = watchPluginFolders({
        registry,
        kinds: options.processPluginsDir
          ? [typescript, processFolders(resolve(options.processPluginsDir), processes)]
          : [typescript],
        folders: {
          owners: new Map([...report.loaded, ...processPlugins.loaded].map((p) => [p.slug, p.dir])),
          problems,
        },
        log: log.platform,
        onPluginReloaded: options.onPluginReloaded,
      });
      closers.push(() => watcher.close());
    }

    return {
      url: `http://${address}:${boundPort}`,
      port: boundPort,
      token,
      tokenFile,
      dataDir,
      callsUnderWayFile,
      deps,
      report,
      app,
      registry,
      invoker,
      processPlugins,
      bus,
      eventStore,
      events,
      close,
    };
  } catch (error) {
    // Nothing may be left writing into the data folder that close() removes.
    await Promise.allSettled(Object.values(reading));
    await close();
    throw error;
  }
}

/** The TypeScript plugins' folders: a changed one is read from a fresh module, bundled and its worker swapped. */
function typescriptFolders(
  root: string,
  invoker: WorkerInvoker,
  importModule: ImportModule,
): PluginFolderKind {
  return {
    root,
    entryFile: ENTRY,
    read: async (dir) => {
      const found = await loadFolder(dir, importModule);
      if (!found.loaded) return found;
      const { slug, manifest, handlers, entry } = found.loaded;
      const start = async () => {
        const built = await invoker.build(basename(dir), entry);
        await invoker.start(slug, built.file, manifest.memoryMb);
      };
      return { loaded: { slug, manifest, handlers, start } };
    },
    unload: (slug) => invoker.unload(slug),
  };
}

/** A port that cannot be had is the user's to fix: said in one line, with what to do. */
function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE')
    return new UnavailableError(
      `${host}:${port} is in use (another Plugboard?): stop it, or start with --port <port> (0 picks a free one)`,
    );
  if (error.code === 'EACCES')
    return new UnavailableError(`no permission to listen on ${host}:${port}: use a port above 1023`);
  return error;
}

/** Bundles the loaded plugins, all in one build, and readies their workers; writes their manifests into the registry. */
async function syncPlugins(
  registry: Registry,
  invoker: WorkerInvoker,
  report: LoadReport,
  log: ReturnType<typeof createLocalLogger>,
) {
  const now = new Date().toISOString();
  const slugs = report.loaded.map((p) => p.slug);
  const [built] = await invoker.load(
    report.loaded.map((plugin) => ({
      slug: plugin.slug,
      entry: plugin.entry,
      memoryMb: plugin.manifest.memoryMb,
    })),
  );
  if (built) log.platform('info', 'plugins built', { plugins: slugs, ms: Math.round(built.ms) });
  await Promise.all(
    report.loaded.map((plugin) =>
      registry.putPlugin({
        slug: plugin.slug,
        manifest: plugin.manifest,
        handlers: plugin.handlers,
        status: 'loaded',
        updatedAt: now,
      }),
    ),
  );
}

/**
 * Once the plugins of every kind are served: marks those the registry holds and no folder serves
 * now, and names the instances the served versions no longer fit.
 */
async function markRemovedAndWarn(registry: Registry, served: readonly Manifest[], log: LogFn) {
  const slugs = new Set(served.map((manifest) => manifest.slug));
  const now = new Date().toISOString();
  for (const stored of await registry.listPlugins()) {
    if (!slugs.has(stored.slug) && stored.status !== 'removed') {
      await registry.putPlugin({ ...stored, status: 'removed', updatedAt: now });
    }
  }
  await warnOfOutdated(registry, served, log);
}
