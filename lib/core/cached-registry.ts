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
import { ReadCache } from './read-cache';

export interface CachedRegistryOptions {
  /** How long a read is served from memory; writes made by other processes show up within it. */
  readonly ttlMs: number;
  /** Entries kept per kind; the oldest go first. @default 1000 */
  readonly maxEntries?: number | undefined;
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
