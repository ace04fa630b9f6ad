/**
 * The ports through which lib/core reaches the world. AWS adapters (lib/aws) and local adapters
 * (lib/local) implement them and pass the same contract suites (test/contract).
 */
import type { CallContext, StoredItem, StoreListOptions } from '../sdk/context';
import type { PlatformEvent } from '../sdk/events';
import type { Manifest } from '../sdk/manifest';
import type { Answer, Envelope } from './envelope';

export interface Page<T> {
  items: T[];
  nextCursor?: string | undefined;
}
export interface PageRequest {
  limit?: number | undefined;
  cursor?: string | undefined;
}

export type PluginStatus = 'loaded' | 'removed';
export interface PluginRecord {
  slug: string;
  manifest: Manifest;
  status: PluginStatus;
  updatedAt: string;
}

export interface InstanceRecord {
  name: string;
  plugin: string;
  description?: string | undefined;
  options: Record<string, unknown>;
  /** Default call context merged under each call's context. */
  context: CallContext;
  /** Position among instances of the same role (pre-hooks, authorizers); lower runs first. */
  order: number;
  /** Names of the credential fields that are set; the values live only in the CredentialStore. */
  credentialsSet: string[];
  version: number;
  createdAt: string;
  updatedAt: string;
}
export type NewInstance = Omit<InstanceRecord, 'version' | 'createdAt' | 'updatedAt'>;
export type InstanceChanges = Partial<
  Pick<InstanceRecord, 'description' | 'options' | 'context' | 'order' | 'credentialsSet'>
>;

/** Manifests, instances and plugin-owned storage. Writes are single-item and conditional. */
export interface Registry {
  putPlugin(record: PluginRecord): Promise<void>;
  getPlugin(slug: string): Promise<PluginRecord | undefined>;
  listPlugins(): Promise<PluginRecord[]>;

  /** Throws PlugboardError NameTaken when the name exists. */
  createInstance(instance: NewInstance): Promise<InstanceRecord>;
  getInstance(name: string): Promise<InstanceRecord | undefined>;
  listInstances(request?: PageRequest & { plugin?: string | undefined }): Promise<Page<InstanceRecord>>;
  /** Throws NotFound, or VersionConflict when `expectedVersion` is not the stored one. */
  updateInstance(name: string, changes: InstanceChanges, expectedVersion: number): Promise<InstanceRecord>;
  /** Throws NotFound, or VersionConflict when `expectedVersion` is given and stale. */
  deleteInstance(name: string, expectedVersion?: number): Promise<InstanceRecord>;

  storeGet(plugin: string, instance: string, key: string): Promise<StoredItem | undefined>;
  storePut(plugin: string, instance: string, key: string, value: unknown): Promise<StoredItem>;
  storeDelete(plugin: string, instance: string, key: string): Promise<void>;
  storeList(plugin: string, instance: string, options?: StoreListOptions): Promise<Page<StoredItem>>;
}

export interface CredentialDescription {
  names: string[];
  updatedAt: string;
}

/** The dispatcher's side of credentials: it can write and describe, never read values. */
export interface CredentialStore {
  put(ref: string, values: Record<string, string>): Promise<void>;
  delete(ref: string): Promise<void>;
  describe(ref: string): Promise<CredentialDescription | undefined>;
}

/** The plugin function's side: it reads its own instance's values. */
export interface CredentialResolver {
  resolve(ref: string): Promise<Record<string, string> | undefined>;
}

/** Runs an envelope in a plugin's function (a Lambda on AWS, a worker thread locally). */
export interface Invoker {
  invoke(plugin: string, envelope: Envelope): Promise<Answer>;
}

/** Puts events on the bus. Delivery, retries and the DLQ are the bus's business. */
export interface EventBus {
  publish(events: PlatformEvent[]): Promise<void>;
}

/** Name of the secret holding an instance's credentials: the plugin role may read only its own prefix. */
export const credentialsRef = (stage: string, plugin: string, instance: string): string =>
  `plugboard/${stage}/${plugin}/${instance}`;
