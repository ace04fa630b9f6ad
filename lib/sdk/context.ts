import * as z from 'zod';

/** Per-call context a caller may send with an operation or action (Imbi's PluginContext). */
export const CallContextSchema = z.strictObject({
  orgSlug: z.string().max(200).optional(),
  projectId: z.union([z.string().max(200), z.number()]).optional(),
  projectSlug: z.string().max(200).optional(),
  projectTypeSlug: z.string().max(200).optional(),
  teamSlug: z.string().max(200).optional(),
  environment: z.string().max(200).optional(),
  assignmentOptions: z.record(z.string(), z.unknown()).optional(),
});
export type CallContext = z.infer<typeof CallContextSchema>;

export type LogFields = Record<string, unknown>;
export interface PluginLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface StoredItem {
  key: string;
  value: unknown;
  updatedAt: string;
}

export interface StoreListOptions {
  prefix?: string;
  limit?: number;
  cursor?: string;
}

/** Key/value storage scoped to one plugin and one instance, kept in the registry. */
export interface PluginStore {
  get(key: string): Promise<StoredItem | undefined>;
  put(key: string, value: unknown): Promise<StoredItem>;
  delete(key: string): Promise<void>;
  list(options?: StoreListOptions): Promise<{ items: StoredItem[]; nextCursor?: string | undefined }>;
}

/** What every handler receives. */
export interface PluginContext<Options = Record<string, unknown>, Credentials = Record<string, string>>
  extends CallContext {
  readonly requestId: string;
  readonly plugin: string;
  readonly instance: string;
  /**
   * Instance options merged over the manifest's defaults; no secret option, which is a credential.
   * Typed from the manifest in the handlers of a plugin made by definePlugin.
   */
  readonly options: Options;
  /**
   * Resolved by the runtime from the instance's credentials and secret options; never logged. Typed
   * from the manifest in the handlers of a plugin made by definePlugin.
   */
  readonly credentials: Readonly<Credentials>;
  readonly log: PluginLogger;
  /** Aborts at the deadline; pass it to fetch and other cancellable work. */
  readonly signal: AbortSignal;
  /** Epoch milliseconds after which the answer is no longer awaited. */
  readonly deadline: number;
  /** Publishes an event with source `plugboard.plugin.<slug>`. */
  publish(detailType: string, detail: Record<string, unknown>): Promise<void>;
  readonly store: PluginStore;
  /** Expands `${var}` against this call's context (see expandTemplate). */
  expand(template: string): string;
}
