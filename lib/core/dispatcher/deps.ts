import type { Context } from 'hono';
import type { Authenticate } from '../http/auth';
import type { EventOrigin } from '../platform-events';
import type { CredentialStore, EventBus, Invoker, Registry } from '../ports';

export interface LoadProblems {
  skipped: { dir: string; slug?: string | undefined; reason: string }[];
  errors: { dir: string; slug?: string | undefined; message: string; path?: string | undefined }[];
}

export type LogFn = (
  level: 'debug' | 'info' | 'warn' | 'error',
  message: string,
  fields?: Record<string, unknown>,
) => void;

/** Everything the dispatcher needs, as ports: the same app runs on Lambda and on Node. */
export interface DispatcherDeps {
  registry: Registry;
  credentials: CredentialStore;
  invoker: Invoker;
  bus: EventBus;
  authenticate: Authenticate;
  /** Names secrets `plugboard/<stage>/…`. */
  stage: string;
  origin: EventOrigin;
  /** Plugins that did not load (local start and file watching); empty on AWS, where they fail synth. */
  loadProblems?: () => LoadProblems;
  /** The request id to use; by default a fresh UUID (the Lambda adapter passes API Gateway's). */
  requestId?: (c: Context) => string | undefined;
  /**
   * Epoch ms by which a request must be answered: on Lambda, before the function's own timeout,
   * which would end the request with API Gateway's bare error instead of a problem.
   * @default none: each call has its plugin's timeout
   */
  deadline?: (c: Context) => number | undefined;
  log?: LogFn;
}
