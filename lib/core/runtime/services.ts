import type { PluginStore } from '../../sdk/context';
import type { PlatformEvent } from '../../sdk/events';
import type { CredentialResolver, StoreOwner } from '../ports';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export interface LogRecord {
  level: LogLevel;
  message: string;
  plugin: string;
  instance: string;
  requestId: string;
  fields?: Record<string, unknown> | undefined;
}

/** What the plugin runtime needs from the world it runs in: a Lambda, or a local worker thread. */
export interface RuntimeServices {
  credentials: CredentialResolver;
  store(owner: StoreOwner): PluginStore;
  publish(event: PlatformEvent): Promise<void>;
  log(record: LogRecord): void;
  /** Account and region stamped on published events. */
  account: string;
  region: string;
}
