import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type BuiltBundle, bundlePlugins, type PluginToBundle } from '../../bundle/plugin-bundle';
import type { Answer, Envelope } from '../../core/envelope';
import type { Invoker } from '../../core/ports';
import type { LogRecord } from '../../core/runtime/services';
import type { CallUnderWay } from '../calls-under-way';
import { functionFailure } from '../function-failure';
import { removeSupersededBuilds } from '../superseded-builds';
import { PluginWorker } from './plugin-worker';
import type { HostMethods } from './protocol';

/** The glue every local bundle is built with. */
export const WORKER_GLUE = fileURLToPath(new URL('./worker-glue.ts', import.meta.url));

export interface WorkerPluginSpec {
  slug: string;
  /** The plugin's source entry (plugins/<slug>/index.ts). */
  entry: string;
  memoryMb: number;
}

export interface WorkerInvokerOptions {
  /** Where bundles are written. */
  bundleDir: string;
  /** The platform side of a worker's calls, made for one plugin so it cannot reach another's data. */
  hostFor(slug: string): HostMethods;
  onLog(record: LogRecord): void;
  account?: string;
  region?: string;
}

interface Slot {
  slug: string;
  memoryMb: number;
  bundleFile: string;
  worker?: PluginWorker;
}

/**
 * The local Invoker: one worker thread per plugin, running the plugin's esbuild bundle. A dead
 * worker is replaced on the next call; `reload` swaps one plugin's worker without touching others.
 */
export class WorkerInvoker implements Invoker {
  private readonly slots = new Map<string, Slot>();
  /** Bundles of replaced workers still finishing their calls. */
  private readonly retiring = new Set<string>();

  constructor(private readonly options: WorkerInvokerOptions) {}

  /**
   * Bundles plugins, all in one build (see `bundlePlugins`), and readies each one's function (see
   * `start`). Answers their bundles in the order given.
   */
  async load(specs: readonly WorkerPluginSpec[]): Promise<BuiltBundle[]> {
    const built = await this.buildAll(specs.map(({ slug, entry }) => ({ name: slug, pluginEntry: entry })));
    return Promise.all(
      specs.map(async (spec) => {
        const bundle = built.get(spec.slug)!;
        await this.start(spec.slug, bundle.file, spec.memoryMb);
        return bundle;
      }),
    );
  }

  /**
   * Bundles a plugin source into the bundle directory, named after `name`, and removes the older
   * bundles of that name no worker or plugin is set to run.
   */
  async build(name: string, entry: string): Promise<BuiltBundle> {
    const built = await this.buildAll([{ name, pluginEntry: entry }]);
    return built.get(name)!;
  }

  /** `build` for several plugins at once, in one esbuild build, by name. */
  private async buildAll(plugins: readonly PluginToBundle[]): Promise<Map<string, BuiltBundle>> {
    const built = await bundlePlugins({
      plugins,
      glueModule: WORKER_GLUE,
      outDir: this.options.bundleDir,
    });
    await Promise.all(
      [...built].map(([name, { file }]) =>
        removeSupersededBuilds({
          dir: this.options.bundleDir,
          current: file,
          prefix: `${name}.`,
          inUse: (other) =>
            this.retiring.has(other) || [...this.slots.values()].some((slot) => slot.bundleFile === other),
        }),
      ),
    );
    return built;
  }

  /**
   * Puts a built bundle behind the plugin's name. Like a Lambda function, a plugin that has not been
   * called yet has no worker: its first call starts one. A plugin whose worker is running gets the new
   * build warm: the new worker starts first, then the previous one finishes its calls and ends.
   */
  async start(slug: string, bundleFile: string, memoryMb: number): Promise<void> {
    const previous = this.slots.get(slug);
    const slot: Slot = { slug, memoryMb, bundleFile };
    if (previous?.worker && !previous.worker.dead) {
      slot.worker = this.spawn(slot);
      await slot.worker.ready;
    }
    this.slots.set(slug, slot);
    const stale = previous && previous.bundleFile !== bundleFile ? previous.bundleFile : undefined;
    if (previous?.worker) this.retire(previous.worker, stale);
    else if (stale) await removeBundle(stale);
  }

  /** Stops serving a plugin: calls already on its worker finish, then the worker and its bundle go. */
  unload(slug: string): void {
    const slot = this.slots.get(slug);
    if (!slot) return;
    this.slots.delete(slug);
    if (slot.worker) this.retire(slot.worker, slot.bundleFile);
    else void removeBundle(slot.bundleFile);
  }

  has(slug: string): boolean {
    return this.slots.has(slug);
  }

  bundleFile(slug: string): string | undefined {
    return this.slots.get(slug)?.bundleFile;
  }

  /** The calls the plugins' current workers run that started before `epochMs`. */
  callsStartedBefore(epochMs: number): CallUnderWay[] {
    return [...this.slots.values()].flatMap((slot) => slot.worker?.callsStartedBefore(epochMs) ?? []);
  }

  async invoke(plugin: string, envelope: Envelope): Promise<Answer> {
    const slot = this.slots.get(plugin);
    if (!slot)
      return { ok: false, error: { code: 'NotFound', message: `no function runs plugin "${plugin}"` } };
    if (!slot.worker || slot.worker.dead) slot.worker = this.spawn(slot);
    const worker = slot.worker;
    try {
      await worker.ready;
    } catch {
      worker.end('the worker failed to start');
      return functionFailure('PluginFailed', "the plugin's worker failed to start");
    }
    return worker.invoke(envelope);
  }

  async close(): Promise<void> {
    const closing = [...this.slots.values()].map((slot) =>
      slot.worker?.close('the platform is shutting down'),
    );
    this.slots.clear();
    await Promise.all(closing);
  }

  private spawn(slot: Slot): PluginWorker {
    return new PluginWorker({
      slug: slot.slug,
      bundleFile: slot.bundleFile,
      memoryMb: slot.memoryMb,
      host: this.options.hostFor(slot.slug),
      onLog: this.options.onLog,
      account: this.options.account ?? '000000000000',
      region: this.options.region ?? 'local',
    });
  }

  /** Lets calls already on the old worker finish, then ends it and removes its superseded bundle. */
  private retire(worker: PluginWorker, staleBundle: string | undefined): void {
    if (staleBundle) this.retiring.add(staleBundle);
    const check = setInterval(() => {
      if (worker.inFlight > 0 && !worker.dead) return;
      clearInterval(check);
      worker.end('replaced by a newer build');
      if (staleBundle) void removeBundle(staleBundle).finally(() => this.retiring.delete(staleBundle));
    }, 50);
    check.unref();
  }
}

/**
 * Housekeeping: a bundle that cannot be removed stays, and never fails the swap that replaced it.
 * Its source map goes first, so that once the bundle is gone nothing of it is left (removed side by
 * side, a reader could find the map of a bundle already gone).
 */
async function removeBundle(file: string): Promise<void> {
  for (const each of [`${file}.map`, file]) await rm(each, { force: true }).catch(() => undefined);
}
