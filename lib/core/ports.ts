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
  /** 1 to MAX_PAGE_LIMIT. @default DEFAULT_PAGE_LIMIT */
  limit?: number | undefined;
  cursor?: string | undefined;
}
/** The items a page of any list holds unless asked for another number, and the most it holds. */
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 1000;

export type PluginStatus = 'loaded' | 'removed';
/** Handlers a plugin may have that its manifest does not declare. */
export const OPTIONAL_HANDLERS = ['http', 'events', 'authorizer', 'preHook'] as const;
export type OptionalHandler = (typeof OPTIONAL_HANDLERS)[number];

export interface PluginRecord {
  slug: string;
  manifest: Manifest;
  status: PluginStatus;
  updatedAt: string;
  /**
   * Which optional handlers the plugin has, as its loader found them; absent when not known (a
   * plugin in another language answers whatever it is sent, a record written by an older deploy).
   */
  handlers?: OptionalHandler[] | undefined;
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
  /**
   * Which instance of its name this is, made when it is created (newGeneration): its store is keyed
   * by it, so a call of a deleted instance still under way cannot write into the store of a later
   * instance of the name. Absent from an instance created before generations, whose store stays
   * where it was written, under its name alone. The API shows it: a caller that sends the plugin's
   * function an envelope itself (Lambda Invoke) reaches the instance's store only by naming it.
   */
  generation?: string | undefined;
}
export type NewInstance = Omit<InstanceRecord, 'version' | 'createdAt' | 'updatedAt' | 'generation'>;
/**
 * The instance a write was made from, which the write must still find: at its version, and the same
 * instance of the name (its generation; absent for one created before generations). A name deleted
 * and created again starts at version 1 again, so the version alone does not tell them apart.
 */
export type ExpectedInstance = Pick<InstanceRecord, 'version' | 'generation'>;
/** Whose store a store call reaches: an instance of a plugin, and which instance of its name. */
export type StoreOwner = Pick<InstanceRecord, 'plugin' | 'name' | 'generation'>;
export type InstanceChanges = Partial<
  Pick<InstanceRecord, 'description' | 'options' | 'context' | 'order' | 'credentialsSet'>
>;

export interface InstanceReadOptions {
  /** Read past any cache: a read-modify-write must start from the stored record. @default false */
  readonly fresh?: boolean;
}

export interface InstanceWriteOptions {
  /**
   * The announcement held for this write (holdAnnouncement). A create or an update carries its id
   * on the instance, in the same conditional write, until it is released; a delete claims the
   * instance first (see deleteInstance). Either way recovery can tell whether the write landed. No
   * record shows it. @default none
   */
  readonly announcing?: HeldAnnouncement | undefined;
}

/** What a write does to its instance: a create or an update carries its announcement, a delete removes it. */
export type AnnouncedWrite = 'create' | 'update' | 'delete';

/**
 * An instance write's event, held in the registry before the write is made (a transactional outbox
 * resting on single-item writes): a process that dies between the write and the publish leaves it
 * held, and recovery (settleAnnouncements) publishes it if the write landed.
 */
export interface HeldAnnouncement {
  /** The event, its id the announcement's; a create's has no `createdAt` yet: its record gives it. */
  event: PlatformEvent;
  /** The name of the instance written. */
  instance: string;
  write: AnnouncedWrite;
  /**
   * Which instance of the name a delete removes, and the only one it may: absent for one created
   * before generations.
   */
  generation?: string | undefined;
  /** ISO time it was held; recovery takes those held long enough ago that no live write still runs. */
  heldAt: string;
  /**
   * Set when a delete of its instance found the instance carrying it (a create's or an update's:
   * it landed), or by its own delete once that claimed the instance, before the instance went:
   * with the instance's `createdAt`, as recovery can no longer read it there.
   */
  landed?: { createdAt: string } | undefined;
}

export interface ReleaseOptions {
  /**
   * The write is known to have landed: a delete's instance is gone with its claim, so only the held
   * announcement is left to drop. @default false
   */
  readonly landed?: boolean;
}

/** An instance as stored, with the ids of the announcements its writes carry, not yet released. */
export interface AnnouncingInstance {
  record: InstanceRecord;
  announcing: string[];
}

/**
 * Plugin-owned storage (`ctx.store`), each owner's items apart. The registry keeps it; a plugin's
 * function reaches it alone, without the rest of the registry.
 */
export interface PluginStorage {
  /** Owners that differ in plugin, name or generation never see each other's items. */
  storeGet(owner: StoreOwner, key: string): Promise<StoredItem | undefined>;
  storePut(owner: StoreOwner, key: string, value: unknown): Promise<StoredItem>;
  storeDelete(owner: StoreOwner, key: string): Promise<void>;
  storeList(owner: StoreOwner, options?: StoreListOptions): Promise<Page<StoredItem>>;
}

/** Manifests, instances and plugin-owned storage. Writes are single-item and conditional. */
export interface Registry extends PluginStorage {
  putPlugin(record: PluginRecord): Promise<void>;
  getPlugin(slug: string): Promise<PluginRecord | undefined>;
  listPlugins(): Promise<PluginRecord[]>;

  /**
   * Gives the instance a new generation (newGeneration), so it starts with a store of its own
   * whatever an earlier instance of the name left. Throws PlugboardError NameTaken when the name exists.
   */
  createInstance(instance: NewInstance, options?: InstanceWriteOptions): Promise<InstanceRecord>;
  getInstance(name: string, options?: InstanceReadOptions): Promise<InstanceRecord | undefined>;
  listInstances(request?: PageRequest & { plugin?: string | undefined }): Promise<Page<InstanceRecord>>;
  /**
   * Throws NotFound, or VersionConflict when the stored instance is not the one expected: another
   * version, or another instance of the name (deleted and created again since it was read).
   */
  updateInstance(
    name: string,
    changes: InstanceChanges,
    expected: ExpectedInstance,
    options?: InstanceWriteOptions,
  ): Promise<InstanceRecord>;
  /**
   * Throws NotFound, or VersionConflict when `expected` is given and the stored instance is not at
   * its version or not the instance of the name it names (its generation). The instance
   * tells recovery which writes landed, so before it goes each announcement it carries is marked
   * landed. With `announcing`, the delete removes only the instance of the announcement's
   * generation (another of the name made since: NotFound), and first claims it, one delete at a
   * time, marking its own announcement landed once it holds the claim. Another delete's claim
   * answers InUse while it is younger than DELETE_CLAIM_EXPIRY_MS (counted from its announcement's
   * `heldAt`); an older one was left by a delete that died, and is released as recovery would
   * release it (its delete did not land), its held announcement with it, then taken.
   */
  deleteInstance(
    name: string,
    expected?: ExpectedInstance,
    options?: InstanceWriteOptions,
  ): Promise<InstanceRecord>;

  holdAnnouncement(announcement: HeldAnnouncement): Promise<void>;
  /** Announcements held before `heldBefore` (an ISO time), oldest first. */
  listAnnouncements(heldBefore: string, request?: PageRequest): Promise<Page<HeldAnnouncement>>;
  /** The announcement as held now, with its `landed` mark; undefined once released. */
  getAnnouncement(
    announcement: Pick<HeldAnnouncement, 'heldAt' | 'event'>,
  ): Promise<HeldAnnouncement | undefined>;
  /** The instance as stored now, past any cache, with the announcements its writes carry. */
  getAnnouncing(name: string): Promise<AnnouncingInstance | undefined>;
  /**
   * Takes the announcement off its instance: a create's or an update's id, a delete's claim (its
   * `landed` mark undone first), never making a deleted instance again; then drops the held
   * announcement. Releasing one released before is no error.
   */
  releaseAnnouncement(announcement: HeldAnnouncement, options?: ReleaseOptions): Promise<void>;
}

/**
 * The dispatcher's side of credentials: it can write them, never read them. Which are set is the
 * instance record's `credentialsSet`, so the dispatcher never asks the store.
 */
export interface CredentialStore {
  put(ref: string, values: Record<string, string>): Promise<void>;
  delete(ref: string): Promise<void>;
}

/** The plugin function's side: it reads its own instance's values. */
export interface CredentialResolver {
  /**
   * `version` is the instance's version the call is for, when it is known: every credentials write
   * makes a new version, so a resolver may answer a ref and version with what it resolved for them
   * before.
   */
  resolve(ref: string, version?: number): Promise<Record<string, string> | undefined>;
}

/** Runs an envelope in a plugin's function (a Lambda on AWS, a worker thread locally). */
export interface Invoker {
  invoke(plugin: string, envelope: Envelope): Promise<Answer>;
}

/** Puts events on the bus. Delivery, retries and the DLQ are the bus's business. */
export interface EventBus {
  /**
   * Puts the events on the bus; answers the ids they are delivered and logged under, in order:
   * EventBridge gives each event an id of its own, the local bus keeps the event's.
   */
  publish(events: PlatformEvent[]): Promise<string[]>;
}

/** Prefix under which every secret of a stage lives; the dispatcher may write below it. */
export const stageSecretPrefix = (stage: string): string => `plugboard/${stage}/`;

/** Prefix under which one plugin's instances' secrets live: the plugin may read only below it. */
export const credentialsPrefix = (stage: string, plugin: string): string =>
  `${stageSecretPrefix(stage)}${plugin}/`;

/**
 * Name of the secret holding an instance's credentials. It names the instance's generation, so a
 * secret written for an instance since deleted (by a write that raced the delete) is never read as
 * the credentials of another instance of the name; an instance from before generations keeps its
 * secret under its name alone.
 */
export const credentialsRef = (stage: string, instance: StoreOwner): string =>
  instance.generation === undefined
    ? `${credentialsPrefix(stage, instance.plugin)}${instance.name}`
    : `${credentialsPrefix(stage, instance.plugin)}${instance.name}/${instance.generation}`;

/**
 * What a subscription calls: the plugin's `events` handler, one of its lifecycle hooks
 * (`lifecycle:onInstanceCreated`), or one of its actions (`action:<name>`, with `params`).
 */
export type SubscriptionHandler = 'events' | `lifecycle:${string}` | `action:${string}`;

export interface SubscriptionRecord {
  id: string;
  /** An EventBridge event pattern. */
  pattern: Record<string, unknown>;
  /** The target instance's name. */
  instance: string;
  handler: SubscriptionHandler;
  /** Action params (action handlers only). */
  params: Record<string, unknown>;
  /** Lower is delivered first; ties keep creation order. */
  order: number;
  createdAt: string;
}

/**
 * Where a bus that fans out by itself (EventBridge) keeps one routing rule per subscription.
 * Without it the platform matches subscriptions in process (the local bus).
 */
export interface SubscriptionRules {
  /** Creates or replaces the subscription's rule; throws PlugboardError when it cannot. */
  put(subscription: SubscriptionRecord): Promise<void>;
  /** Removes the subscription's rule; a rule that is already gone is not an error. */
  remove(id: string): Promise<void>;
}

/** An event that could not be delivered to one target after every retry. */
export interface DeadLetter {
  /** `<event id>:<target id>`: the delivery's idempotency key. */
  id: string;
  event: PlatformEvent;
  /** A subscription id, a built-in target (`lifecycle`, `webhooks`), or `publish` (the bus refused the event). */
  target: string;
  attempts: number;
  reason: string;
  failedAt: string;
}

export interface TimeRange {
  /** ISO time, inclusive. */
  from: string;
  /** ISO time, exclusive. */
  to: string;
}

export interface WebhookSourceRecord {
  name: string;
  /** Header carrying the signature, e.g. `x-hub-signature-256`. */
  signatureHeader: string;
  /** How the signature is written: `sha256=<hex>` of the HMAC-SHA256 of the raw body. */
  signatureScheme: 'sha256';
  /** Header carrying the sender's delivery id, used to process each delivery once. */
  deliveryIdHeader: string;
  createdAt: string;
}

export interface WebhookRuleRecord {
  id: string;
  source: string;
  /** An event pattern over `{ headers, payload }`. */
  filter: Record<string, unknown>;
  /** JSON pointer into the payload giving the external identifier. */
  identifierSelector?: string | undefined;
  /** `slug#action`: a webhook action of a plugin. */
  handler: string;
  actionConfig: Record<string, unknown>;
  order: number;
  createdAt: string;
}

export type WebhookOutcome = 'succeeded' | 'failed' | 'skipped';
export interface WebhookDeliveryRecord {
  source: string;
  deliveryId: string;
  receivedAt: string;
  headers: Record<string, string>;
  payload: unknown;
  status: 'received' | 'processed';
  outcomes: WebhookOutcomeRecord[];
}

/** What one rule did for one instance of its plugin, in a webhook delivery. */
export interface WebhookOutcomeRecord {
  rule: string;
  instance: string;
  outcome: WebhookOutcome;
  reason?: string | undefined;
}

export interface AppendOptions {
  /** @default true */
  readonly pending?: boolean;
}

/**
 * Event persistence: subscriptions, the event log (written before a publish is acknowledged), the
 * events still being delivered, dead letters, and webhook sources, rules and deliveries.
 * Webhook secrets are not here: they live in the CredentialStore.
 */
export interface EventStore {
  putSubscription(record: SubscriptionRecord): Promise<void>;
  getSubscription(id: string): Promise<SubscriptionRecord | undefined>;
  listSubscriptions(request?: PageRequest): Promise<Page<SubscriptionRecord>>;
  deleteSubscription(id: string): Promise<boolean>;

  /**
   * Logs the event and marks it pending until `completeEvent`; idempotent by event id. An event
   * with nothing to deliver is logged with `pending: false`, complete at once.
   */
  appendEvent(event: PlatformEvent, options?: AppendOptions): Promise<void>;
  completeEvent(id: string): Promise<void>;
  /** Logged events not yet delivered to every target, oldest first. */
  listPending(request?: PageRequest): Promise<Page<PlatformEvent>>;
  /** Logged events whose time falls in the range, oldest first. */
  listEvents(range: TimeRange, request?: PageRequest): Promise<Page<PlatformEvent>>;

  putDeadLetter(letter: DeadLetter): Promise<void>;
  /**
   * Writes the letter over the one of its id, and only if that one is still there: false, writing
   * nothing, when it was deleted meanwhile (an operator removed the letter a redrive was delivering).
   */
  replaceDeadLetter(letter: DeadLetter): Promise<boolean>;
  getDeadLetter(id: string): Promise<DeadLetter | undefined>;
  listDeadLetters(request?: PageRequest): Promise<Page<DeadLetter>>;
  /** False when there was no such letter: an operator's delete of one is then a 404. */
  deleteDeadLetter(id: string): Promise<boolean>;

  putWebhookSource(record: WebhookSourceRecord): Promise<void>;
  getWebhookSource(name: string): Promise<WebhookSourceRecord | undefined>;
  listWebhookSources(): Promise<WebhookSourceRecord[]>;
  deleteWebhookSource(name: string): Promise<boolean>;
  putWebhookRule(record: WebhookRuleRecord): Promise<void>;
  listWebhookRules(source: string): Promise<WebhookRuleRecord[]>;
  deleteWebhookRule(source: string, id: string): Promise<boolean>;
  /** Records a new delivery; false when one with the same delivery id is already recorded. */
  recordWebhookDelivery(record: WebhookDeliveryRecord): Promise<boolean>;
  updateWebhookDelivery(record: WebhookDeliveryRecord): Promise<void>;
  /** False when no such delivery is recorded. */
  deleteWebhookDelivery(source: string, deliveryId: string): Promise<boolean>;
  getWebhookDelivery(source: string, deliveryId: string): Promise<WebhookDeliveryRecord | undefined>;
  /** Newest first. */
  listWebhookDeliveries(source: string, request?: PageRequest): Promise<Page<WebhookDeliveryRecord>>;
  /**
   * Notes the outcome of an action a delivery ran, as soon as it is known, so that a delivery run
   * again (its process died, or a redrive) runs only what has none; one per rule and instance.
   */
  noteWebhookOutcome(source: string, deliveryId: string, outcome: WebhookOutcomeRecord): Promise<void>;
  /** The outcomes noted for a delivery, in no particular order. */
  listWebhookOutcomes(source: string, deliveryId: string): Promise<WebhookOutcomeRecord[]>;
  /** Removes a delivery's notes, once its record holds every outcome. */
  clearWebhookOutcomes(source: string, deliveryId: string): Promise<void>;
}

/**
 * Where a bus that delivers in the platform's own process notes each attempt it starts at delivering a
 * pending event, so that one the process died in counts as a failed attempt after a restart, as a
 * Lambda invocation whose runtime crashed does (on AWS Lambda counts those itself, so only the local
 * event log keeps one). An attempt is interrupted when it started and neither ended nor completed the
 * event; a delivery's attempts at its next targets that follow without a wait may share one start.
 */
export interface DeliveryJournal {
  /** Notes that an attempt at the pending event starts; resolves once the note would survive a kill. */
  startAttempt(id: string): Promise<void>;
  /**
   * Notes that an attempt ended with the event still pending and the process alive (before a retry's
   * backoff, a stop, a fault).
   */
  endAttempt(id: string): Promise<void>;
  /** The pending event's interrupted attempts: read before any starts, those the process died in. */
  interruptedAttempts(id: string): Promise<number>;
}

export type GuardRole = 'authorizer' | 'preHook';
/** An instance attached as an authorizer or pre-hook (Vespene's chains). */
export interface GuardRecord {
  /** `<role>:<instance>` */
  id: string;
  role: GuardRole;
  instance: string;
  /** Plugins whose calls it guards; empty guards every plugin's operations and actions. */
  plugins: string[];
  /** Lower runs first; ties by instance name. */
  order: number;
  createdAt: string;
}

export interface GuardStore {
  putGuard(record: GuardRecord): Promise<void>;
  listGuards(): Promise<GuardRecord[]>;
  deleteGuard(id: string): Promise<boolean>;
}

/** Where a webhook source's HMAC secret is kept: `_` cannot start a plugin slug, so no plugin role can read it. */
export const webhookSecretRef = (stage: string, source: string): string =>
  `${stageSecretPrefix(stage)}_webhooks/${source}`;
