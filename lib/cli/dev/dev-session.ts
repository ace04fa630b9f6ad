import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PlugboardClient } from '../../client';
import type { ReloadedPlugin } from '../../local/platform';
import { near, platformBanner, startPlatform } from '../local-platform';
import { checksSummary } from './checks-summary';
import { type ChecksOf, contractChecks } from './contract-checks';
import { type DevPlugin, ensureDevInstance } from './dev-instance';
import type { DevTarget } from './dev-target';
import { LatestPerKey } from './latest-per-key';
import { linkPluginFolder } from './plugin-links';

export interface DevOptions {
  target: DevTarget;
  port: number;
  /** Keep the registry, credentials and token here; without it the platform is fresh and in memory. */
  data?: string | undefined;
  /** Origins of browser apps allowed to call the API, as `start` takes them. @default none */
  corsOrigins?: readonly string[] | undefined;
  /**
   * Given the session's `close` once the platform serves, before the banner: the first round of
   * instances and checks takes seconds, and stop handlers installed only after it left a Ctrl-C
   * then to kill the process with its scratch folders left behind.
   */
  onServing(close: () => Promise<void>): void;
}

export interface DevSession {
  /** The port the platform serves on. */
  port: number;
  /** Folders of the session's own, which its `close` removes. */
  scratch: string[];
  /** Where the platform keeps the calls under way for a while, when it does. */
  callsUnderWay: string | undefined;
}

/**
 * `plugboard dev`: the platform serving the target folder and watching it, an instance of each
 * plugin that needs nothing from its author, and the plugin's conformance checks at start and
 * after every reload. Resolves once that first round is printed; the `close` given to `onServing` stops it all.
 */
export async function startDevSession(options: DevOptions): Promise<DevSession> {
  // Links to a lone plugin's folder: gone when dev stops.
  const scratch = await mkdtemp(join(tmpdir(), 'plugboard-dev-'));
  const closers: (() => Promise<void>)[] = [() => rm(scratch, { recursive: true, force: true })];
  const stopping = new AbortController();
  // Once: a stop during the first round also fails that round, whose error path closes again.
  let closed: Promise<void> | undefined;
  const close = () => {
    stopping.abort();
    closed ??= (async () => {
      for (const closer of closers.reverse()) await closer().catch(() => undefined);
    })();
    return closed;
  };
  try {
    const links = options.target.single
      ? await linkPluginFolder(options.target.dir, join(scratch, 'plugins'))
      : undefined;
    if (links) closers.push(links.close);
    const pluginsDir = links?.pluginsDir ?? options.target.dir;
    // A reload heard before the tasks below exist waits for them.
    let heard: ((reloaded: ReloadedPlugin) => void) | undefined;
    const early: ReloadedPlugin[] = [];
    const platform = await startPlatform({
      memory: options.data === undefined,
      dataDir: options.data,
      port: options.port,
      pluginsDir,
      corsOrigins: options.corsOrigins,
      onPluginReloaded: (reloaded) => (heard ?? early.push.bind(early))(reloaded),
    });
    closers.push(platform.close);
    options.onServing(close);
    console.log(platformBanner(platform, options.data === undefined ? '--data <dir> keeps it' : undefined));

    const client = new PlugboardClient({ baseUrl: platform.url, token: platform.token });
    const endpoint = { url: platform.url, tokenFile: near(platform.tokenFile) };
    const printed = new Map<string, string>();
    /** Its instance line when new or changed: a reload seldom changes how the plugin is called. */
    const instanceLine = async (plugin: DevPlugin) => {
      const line = await ensureDevInstance(client, plugin, endpoint);
      const changed = printed.get(plugin.slug) !== line;
      printed.set(plugin.slug, line);
      return changed ? [line] : [];
    };
    const checkLines = (of: ChecksOf) =>
      contractChecks(of, stopping.signal).then(
        (reports) => reports.map(checksSummary),
        // Checks the stop ended failed nothing: there is no result to report.
        (error: Error) => (stopping.signal.aborted ? [] : [error.message]),
      );
    const reload = async ({ slug, dir }: ReloadedPlugin) => {
      // The platform has just built and registered the plugin: its record says what the instance
      // line needs, where building and importing the plugin again cost every save a second build.
      const record = await platform.registry.getPlugin(slug);
      if (record?.status !== 'loaded') {
        console.log(`checks ${slug}: not run: the plugin is no longer loaded`);
        return;
      }
      const plugin = { slug, manifest: record.manifest, handlers: record.handlers ?? [] };
      // One write per reload: the lines of two plugins reloading at once never interleave. Checks of
      // its folder alone, where checks by slug would import every plugin of the folder to find it.
      console.log([...(await instanceLine(plugin)), ...(await checkLines({ plugin: dir }))].join('\n'));
    };
    const tasks = new LatestPerKey((slug, error) =>
      console.error(`plugboard dev: ${slug}: ${error instanceof Error ? error.message : String(error)}`),
    );
    const { loaded } = platform.report;
    const lines = [''];
    for (const plugin of loaded) lines.push(...(await instanceLine(plugin)));
    if (loaded.length > 0) lines.push(...(await checkLines({ plugins: pluginsDir })));
    console.log(lines.join('\n'));
    heard = (reloaded) => tasks.run(reloaded.slug, () => reload(reloaded));
    for (const reloaded of early.splice(0)) heard(reloaded);
    console.log(`\nWatching ${near(options.target.dir)}: every save reloads and re-checks; Ctrl-C stops`);
    return {
      port: platform.port,
      scratch: options.data === undefined ? [scratch, platform.dataDir] : [scratch],
      callsUnderWay: platform.callsUnderWayFile,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
