import { type FieldError, PlugboardError } from '../../sdk/errors';
import { invalidFields } from '../field-errors';
import type { InstanceService } from '../instances/instance-service';
import type { GuardRecord, GuardRole, GuardStore } from '../ports';

export interface NewGuard {
  instance: string;
  role: GuardRole;
  plugins?: string[] | undefined;
  order?: number | undefined;
}

/** How long a dispatcher trusts its copy of the guard list written by another process. */
const CACHE_MS = 5_000;

const byOrder = (a: GuardRecord, b: GuardRecord) => a.order - b.order || a.instance.localeCompare(b.instance);

interface GuardListRead {
  at: number;
  guards: Promise<GuardRecord[]>;
  settled?: GuardRecord[];
}

/** Whether a read of the list is still to be trusted. */
const fresh = (read: GuardListRead | undefined): read is GuardListRead =>
  read !== undefined && Date.now() - read.at <= CACHE_MS;

/** A guard with no plugins named guards calls to every plugin. */
const guardsCallsTo = (plugin: string) => (g: GuardRecord) =>
  g.plugins.length === 0 || g.plugins.includes(plugin);

/** Attachments of authorizer and pre-hook instances, read on every guarded call (cached briefly). */
export class GuardService {
  /** The list as last read, and once read, `settled` to it. */
  private cached: GuardListRead | undefined;

  constructor(
    private readonly store: GuardStore,
    private readonly instances: InstanceService,
  ) {}

  /** Attaches, or replaces the attachment in the same role (`created` says which, keeping createdAt). */
  async attach(input: NewGuard): Promise<{ guard: GuardRecord; created: boolean }> {
    const instance = await this.instances.get(input.instance);
    const { handlers } = await this.instances.loadedPlugin(instance.plugin);
    // It would fail on every call it guards, and a guard that fails denies.
    if (handlers && !handlers.includes(input.role)) {
      const detail = `plugin "${instance.plugin}" of instance "${instance.name}" has no ${input.role} handler`;
      throw invalidFields(`the guard cannot run`, [{ pointer: '/role', detail }]);
    }
    await this.refuseUnknownPlugins(input.plugins ?? []);
    const id = `${input.role}:${instance.name}`;
    const existing = (await this.store.listGuards()).find((guard) => guard.id === id);
    const record: GuardRecord = {
      id,
      role: input.role,
      instance: instance.name,
      plugins: input.plugins ?? [],
      order: input.order ?? instance.order,
      createdAt: existing?.createdAt ?? new Date().toISOString(),
    };
    await this.store.putGuard(record);
    this.cached = undefined;
    return { guard: record, created: !existing };
  }

  /** A guard limited to a plugin that is not loaded (a misspelt slug, say) would guard nothing. */
  private async refuseUnknownPlugins(plugins: readonly string[]): Promise<void> {
    const errors: FieldError[] = [];
    for (const [i, slug] of plugins.entries()) {
      const loaded = await this.instances.loadedPlugin(slug).then(
        () => true,
        (error: unknown) => {
          if (error instanceof PlugboardError && error.code === 'NotFound') return false;
          throw error;
        },
      );
      if (!loaded) errors.push({ pointer: `/plugins/${i}`, detail: `no plugin "${slug}" is loaded` });
    }
    if (errors.length > 0) throw invalidFields('the guard names plugins that are not loaded', errors);
  }

  async detach(id: string): Promise<void> {
    this.cached = undefined;
    if (!(await this.store.deleteGuard(id))) throw new PlugboardError('NotFound', `no guard "${id}"`);
  }

  /** The ids of the guards `instance` is attached as, read past the cache. */
  async attachedAs(instance: string): Promise<string[]> {
    return (await this.store.listGuards()).filter((g) => g.instance === instance).map((g) => g.id);
  }

  /** Every attachment, in the order the chain runs them. */
  async list(): Promise<GuardRecord[]> {
    if (!fresh(this.cached)) {
      const read: GuardListRead = {
        at: Date.now(),
        guards: this.store.listGuards().then((all) => all.sort(byOrder)),
      };
      read.guards.then(
        (all) => {
          read.settled = all;
        },
        () => {
          this.cached = undefined;
        },
      );
      this.cached = read;
    }
    return this.cached.guards;
  }

  /**
   * True when the list is read, not yet due to be read again, and no guard in it applies to calls to
   * `plugin`: the chain has nothing to ask and need not wait. False when it may have, or the list
   * must be read first.
   */
  noneFor(plugin: string): boolean {
    const settled = fresh(this.cached) ? this.cached.settled : undefined;
    return settled !== undefined && !settled.some(guardsCallsTo(plugin));
  }

  /** The chain for a call to a plugin: its authorizers, then its pre-hooks, each in order. */
  async chainFor(plugin: string): Promise<{ authorizers: GuardRecord[]; preHooks: GuardRecord[] }> {
    const guards = (await this.list()).filter(guardsCallsTo(plugin));
    return {
      authorizers: guards.filter((g) => g.role === 'authorizer'),
      preHooks: guards.filter((g) => g.role === 'preHook'),
    };
  }
}
