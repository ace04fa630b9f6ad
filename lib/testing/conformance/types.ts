import type { CallContext } from '../../sdk/context';
import type { OperationName } from '../../sdk/contracts';

/** What a plugin needs to be exercised: instance options, call context, and inputs the kit cannot guess. */
export interface ConformanceFixtures {
  /** Instance options, checked against the manifest and merged over its defaults. */
  options?: Record<string, unknown>;
  context?: CallContext;
  /**
   * Params per action. An action without required params is called with its defaults unless it is
   * listed here; `false` leaves an action out (say, one that talks to the outside world).
   */
  actions?: Record<string, Record<string, unknown> | false>;
  /** A value for the configuration round trip. @default { value: 'conformance-value' } */
  configuration?: { value?: unknown; dataType?: string };
  /** Page size of the logs paging check; the log needs more entries than one page. @default 3 */
  logsPageSize?: number;
  /**
   * Input per identity or deployment operation, or the event detail per lifecycle hook, where the
   * kit's own would not do (an id your directory knows, a ref your pipeline builds); `false` leaves
   * one out (say, a deploy that would reach the outside world).
   */
  operations?: { [N in OperationName]?: Record<string, unknown> | false };
  /**
   * A delivery per webhook action: its payload (@default {}) and actionConfig (@default the
   * configSchema's first example, else its default, else {}); `false` leaves an action out.
   */
  webhooks?: Record<string, { payload?: unknown; actionConfig?: Record<string, unknown> } | false>;
}

export interface ConformanceCheck {
  name: string;
  ok: boolean;
  detail: string;
  /** Not run, for want of what it needs in the plugin (the detail says what): it fails nothing. */
  skipped?: true;
}

export interface ConformanceReport {
  plugin: string;
  ok: boolean;
  checks: ConformanceCheck[];
}
