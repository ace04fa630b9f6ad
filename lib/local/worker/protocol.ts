import type { StoreOwner } from '../../core/ports';
import type { LogRecord } from '../../core/runtime/services';
import type { StoredItem } from '../../sdk/context';
import type { ErrorCode, FieldError } from '../../sdk/errors';

/** Messages between the platform (main thread) and a plugin worker. */
export type ToWorker =
  /**
   * The envelope travels as JSON text, as it does to a Lambda: the same values arrive (no undefined,
   * no Date), and a string crosses the thread boundary faster than a structured clone of the object.
   */
  | { t: 'invoke'; id: number; json: string }
  | { t: 'reply'; id: number; ok: true; value: unknown }
  /** A refused platform call keeps its error's code, so the plugin sees what it would on AWS. */
  | { t: 'reply'; id: number; ok: false; message: string; code?: ErrorCode; errors?: FieldError[] }
  /** The platform is stopping: the worker lets go of its port so the thread can end by itself. */
  | { t: 'close' };

export type FromWorker =
  | { t: 'ready' }
  /** The answer travels as JSON text so its size can be checked against Lambda's limit. */
  | { t: 'answer'; id: number; json: string }
  | { t: 'call'; id: number; method: HostMethod; args: unknown[] }
  | { t: 'log'; record: LogRecord };

/** Whose store a worker's store call reaches: the plugin is the worker's own. */
export type WorkerStoreOwner = Omit<StoreOwner, 'plugin'>;

/** What a worker may ask of the platform; the host checks each call stays within the worker's plugin. */
export interface HostMethods {
  resolveCredentials(ref: string): Promise<Record<string, string> | undefined>;
  storeGet(owner: WorkerStoreOwner, key: string): Promise<StoredItem | undefined>;
  storePut(owner: WorkerStoreOwner, key: string, value: unknown): Promise<StoredItem>;
  storeDelete(owner: WorkerStoreOwner, key: string): Promise<void>;
  storeList(
    owner: WorkerStoreOwner,
    options: unknown,
  ): Promise<{ items: StoredItem[]; nextCursor?: string | undefined }>;
  publish(event: unknown): Promise<void>;
}
export type HostMethod = keyof HostMethods;

export const WORKER_DATA_MARK = 'plugboard-worker';
