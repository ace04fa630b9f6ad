import type { CallContext } from '../../sdk/context';

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
}

export interface ConformanceCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ConformanceReport {
  plugin: string;
  ok: boolean;
  checks: ConformanceCheck[];
}
