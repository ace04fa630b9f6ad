import type { StoredItem, StoreListOptions } from '../sdk/context';
import type {
  AnnouncingInstance,
  ExpectedInstance,
  HeldAnnouncement,
  InstanceChanges,
  InstanceReadOptions,
  InstanceRecord,
  InstanceWriteOptions,
  NewInstance,
  Page,
  PageRequest,
  PluginRecord,
  Registry,
  ReleaseOptions,
  StoreOwner,
} from './ports';

export interface CachedRegistryOptions {
  /** How long a read is served from memory; writes made by other processes show up within it. */
  readonly ttlMs: number;
  /** Entries kept per kind; the oldest go first. @default 1000 */
  readonly maxEntries?: number | undefined;
}

/** A bounded map of in-flight or settled reads that expire after `ttlMs`. */
class ReadCache<T> {
  private readonly entries = new Map<string, { value: Promise<T | undefined>; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {}

  read(key: string, load: () => Promise<T | undefined>): Promise<T | undefined> {
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > Date.now()) return hit.value;
    const value = load().then(
      (result) => {
        // A miss is not kept: a record created elsewhere must be found on the next call.
        if (result === undefined) this.forgetIfSame(key, value);
        return deepFreeze(result);
      },
      (error: unknown) => {
        this.forgetIfSame(key, value);
        throw error;
      },
    );
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: Date.now() + this.ttlMs });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return value;
  }

  /** A read in flight when this is called never lands in the cache afterwards: its entry is gone. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  private forgetIfSame(key: string, value: Promise<T | undefined>): void {
    if (this.entries.get(key)?.value === value) this.entries.delete(key);
  }
}

/**
 * Read-through cache for the invoke path (getInstance, getPlugin) in front of any Registry.
 * Every write made through it drops the affected entry; callers get copies, so one caller's
 * mutation never shows up in another's record.
 */
export class CachedRegistry implements Registry {
  private readonly instances: ReadCache<InstanceRecord>;
  private readonly plugins: ReadCache<PluginRecord>;

  constructor(
    private readonly inner: Registry,
    options: CachedRegistryOptions,
  ) {
    const maxEntries = options.maxEntries ?? 1000;
    this.instances = new ReadCache(options.ttlMs, maxEntries);
    this.plugins = new ReadCache(options.ttlMs, maxEntries);
  }

  async getPlugin(slug: string): Promise<PluginRecord | undefined> {
    return this.plugins.read(slug, () => this.inner.getPlugin(slug));
  }

  async getInstance(name: string, options: InstanceReadOptions = {}): Promise<InstanceRecord | undefined> {
    if (options.fresh) this.instances.forget(name);
    return this.instances.read(name, () => this.inner.getInstance(name));
  }

  async putPlugin(record: PluginRecord): Promise<void> {
    this.plugins.forget(record.slug);
    try {
      await this.inner.putPlugin(record);
    } finally {
      this.plugins.forget(record.slug);
    }
  }

  createInstance(instance: NewInstance, options?: InstanceWriteOptions): Promise<InstanceRecord> {
    return this.writingInstance(instance.name, () => this.inner.createInstance(instance, options));
  }

  updateInstance(
    name: string,
    changes: InstanceChanges,
    expected: ExpectedInstance,
    options?: InstanceWriteOptions,
  ): Promise<InstanceRecord> {
    return this.writingInstance(name, () => this.inner.updateInstance(name, changes, expected, options));
  }

  deleteInstance(
    name: string,
    expected?: ExpectedInstance,
    options?: InstanceWriteOptions,
  ): Promise<InstanceRecord> {
    return this.writingInstance(name, () => this.inner.deleteInstance(name, expected, options));
  }

  holdAnnouncement(announcement: HeldAnnouncement): Promise<void> {
    return this.inner.holdAnnouncement(announcement);
  }

  listAnnouncements(heldBefore: string, request?: PageRequest): Promise<Page<HeldAnnouncement>> {
    return this.inner.listAnnouncements(heldBefore, request);
  }

  getAnnouncement(
    announcement: Pick<HeldAnnouncement, 'heldAt' | 'event'>,
  ): Promise<HeldAnnouncement | undefined> {
    return this.inner.getAnnouncement(announcement);
  }

  /** Never cached: recovery decides from it whether a write landed. */
  getAnnouncing(name: string): Promise<AnnouncingInstance | undefined> {
    return this.inner.getAnnouncing(name);
  }

  /** Leaves the cache as it is: a release changes no record. */
  releaseAnnouncement(announcement: HeldAnnouncement, options?: ReleaseOptions): Promise<void> {
    return this.inner.releaseAnnouncement(announcement, options);
  }

  listPlugins(): Promise<PluginRecord[]> {
    return this.inner.listPlugins();
  }

  listInstances(request?: PageRequest & { plugin?: string | undefined }): Promise<Page<InstanceRecord>> {
    return this.inner.listInstances(request);
  }

  storeGet(owner: StoreOwner, key: string): Promise<StoredItem | undefined> {
    return this.inner.storeGet(owner, key);
  }

  storePut(owner: StoreOwner, key: string, value: unknown): Promise<StoredItem> {
    return this.inner.storePut(owner, key, value);
  }

  storeDelete(owner: StoreOwner, key: string): Promise<void> {
    return this.inner.storeDelete(owner, key);
  }

  storeList(owner: StoreOwner, options?: StoreListOptions): Promise<Page<StoredItem>> {
    return this.inner.storeList(owner, options);
  }

  /** Forgets before (no stale read is served meanwhile) and after (none started meanwhile is kept). */
  private async writingInstance<T>(name: string, write: () => Promise<T>): Promise<T> {
    this.instances.forget(name);
    try {
      return await write();
    } finally {
      this.instances.forget(name);
    }
  }
}

/**
 * Cached records are shared by every caller, so they are frozen: one caller can never change what
 * another reads. Freezing once per load is far cheaper than copying on every read, which on Node 20
 * (structuredClone through a MessageChannel) cost a tenth of the invoke path.
 */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
