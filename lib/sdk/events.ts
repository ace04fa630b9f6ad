/** An event in EventBridge's shape, used the same way locally and on AWS (DESIGN.md §6). */
export interface PlatformEvent<Detail = Record<string, unknown>> {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Detail;
}

/** Source of the platform's own lifecycle events. */
export const PLATFORM_SOURCE = 'plugboard';
/** Source of events a plugin publishes through `ctx.publish`. */
export const pluginSource = (slug: string): string => `plugboard.plugin.${slug}`;

export const PLATFORM_DETAIL_TYPES = [
  'Instance Created',
  'Instance Updated',
  'Instance Deleted',
  'Credentials Updated',
  'Operation Succeeded',
  'Operation Failed',
  'Webhook Received',
] as const;
export type PlatformDetailType = (typeof PLATFORM_DETAIL_TYPES)[number];

/** What an `events` handler receives besides the event: a key to make its effects exactly-once. */
export interface EventDelivery {
  event: PlatformEvent;
  /** `<event id>:<subscription id>`, stable across retries and redrives. */
  idempotencyKey: string;
  subscriptionId: string;
  attempt: number;
}
