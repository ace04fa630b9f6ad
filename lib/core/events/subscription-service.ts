import { randomUUID } from 'node:crypto';
import { PlugboardError, ValidationError } from '../../sdk/errors';
import type { PlatformEvent } from '../../sdk/events';
import { actionParams } from '../../sdk/manifest';
import { checkParams } from '../../sdk/params';
import { everyItem } from '../every-item';
import { invalidFields } from '../field-errors';
import type { InstanceService } from '../instances/instance-service';
import type {
  EventStore,
  Page,
  PageRequest,
  PluginRecord,
  SubscriptionHandler,
  SubscriptionRecord,
  SubscriptionRules,
} from '../ports';
import { PatternIndex, validatePattern } from './pattern';

export interface NewSubscription {
  pattern: Record<string, unknown>;
  instance: string;
  handler: string;
  params?: Record<string, unknown> | undefined;
  order?: number | undefined;
}

/** A subscription's id: a UUID (`randomUUID`), so no other target's id can be taken for one. */
export const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const LIFECYCLE_HOOKS = ['onInstanceCreated', 'onInstanceUpdated', 'onInstanceDeleted'];

const byOrder = (a: SubscriptionRecord, b: SubscriptionRecord) =>
  a.order - b.order || a.createdAt.localeCompare(b.createdAt);

/**
 * Subscriptions: kept in the EventStore, matched through a PatternIndex held in memory. The index is
 * loaded once and then changed by this service, the only writer of subscriptions in a process.
 * Given SubscriptionRules (EventBridge), each subscription is also a rule on the bus, so the bus
 * does the matching and no other process needs this index.
 */
export class SubscriptionService {
  private readonly index = new PatternIndex<SubscriptionRecord>({ compare: byOrder });
  private loaded: Promise<void> | undefined;
  private ready = false;
  /** Counts the index's changes, so a match remembered from before one is not used. */
  private changes = 0;
  /**
   * What `matchIfLoaded` found for each event it matched to a subscription: the bus asks it whether
   * an event has anything to deliver as the event is published, then its delivery asks `match` for
   * the same event, which gets the same answer while no subscription has come or gone in between.
   * An event that matched none is not kept: most (every call's Operation event, when nothing
   * subscribes to it) are never delivered, and adding a WeakMap entry keyed by an object that dies
   * young cost ~0.75 µs in a loop of its own, where making the object cost ~0.02.
   */
  private readonly matched = new WeakMap<
    PlatformEvent,
    { changes: number; subscriptions: SubscriptionRecord[] }
  >();

  constructor(
    private readonly store: EventStore,
    private readonly instances: InstanceService,
    private readonly rules?: SubscriptionRules,
  ) {}

  /** Subscriptions whose pattern the event matches, in declared order. */
  async match(event: PlatformEvent): Promise<SubscriptionRecord[]> {
    await this.load();
    const known = this.matched.get(event);
    return known?.changes === this.changes ? known.subscriptions : this.index.match(event);
  }

  /** What `match` answers, once the subscriptions are loaded; undefined before. */
  matchIfLoaded(event: PlatformEvent): SubscriptionRecord[] | undefined {
    if (!this.ready) return undefined;
    const subscriptions = this.index.match(event);
    if (subscriptions.length > 0) this.matched.set(event, { changes: this.changes, subscriptions });
    return subscriptions;
  }

  async create(input: NewSubscription): Promise<SubscriptionRecord> {
    const validation = validatePattern(input.pattern);
    if (!validation.ok) {
      const errors = validation.errors.map((e) => ({ pointer: `/pattern${e.pointer}`, detail: e.detail }));
      throw invalidFields('the event pattern is not valid', errors);
    }
    const instance = await this.instances.get(input.instance);
    const plugin = await this.instances.loadedPlugin(instance.plugin);
    const { handler, params } = checkHandler(plugin, input.handler, input.params ?? {});
    const record: SubscriptionRecord = {
      id: randomUUID(),
      pattern: input.pattern,
      instance: instance.name,
      handler,
      params,
      order: input.order ?? 0,
      createdAt: new Date().toISOString(),
    };
    await this.load();
    await this.store.putSubscription(record);
    if (this.rules) {
      try {
        await this.rules.put(record);
      } catch (error) {
        // A stored subscription without its rule would list as active and receive nothing.
        await this.store.deleteSubscription(record.id);
        throw ruleFailure(error, 'created', 'nothing was saved');
      }
    }
    this.index.add(record.id, record.pattern, record);
    this.changes++;
    return record;
  }

  async get(id: string): Promise<SubscriptionRecord> {
    const record = await this.store.getSubscription(id);
    if (!record) throw new PlugboardError('NotFound', `no subscription "${id}"`);
    return record;
  }

  list(request?: PageRequest): Promise<Page<SubscriptionRecord>> {
    return this.store.listSubscriptions(request);
  }

  /** The ids of the subscriptions delivering to `instance`, read from the store (every process's). */
  async deliveringTo(instance: string): Promise<string[]> {
    const ids: string[] = [];
    for await (const record of this.stored()) if (record.instance === instance) ids.push(record.id);
    return ids;
  }

  async delete(id: string): Promise<void> {
    await this.load();
    if (this.rules) {
      // The rule goes first: if that fails the record stays, and deleting again finishes the job.
      await this.get(id);
      await this.rules.remove(id).catch((error: unknown) => {
        throw ruleFailure(error, 'removed', 'the subscription is kept; delete it again');
      });
    }
    if (!(await this.store.deleteSubscription(id)))
      throw new PlugboardError('NotFound', `no subscription "${id}"`);
    this.index.remove(id);
    this.changes++;
  }

  private stored(): AsyncGenerator<SubscriptionRecord> {
    return everyItem((page) => this.store.listSubscriptions(page));
  }

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      for await (const record of this.stored()) this.index.add(record.id, record.pattern, record);
      this.ready = true;
    })().catch((error) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }
}

/** A pattern the bus refuses is the caller's to fix; anything else is the bus being unavailable. */
function ruleFailure(error: unknown, done: string, outcome: string): PlugboardError {
  if (error instanceof PlugboardError && error.code === 'Validation') return error;
  const reason = error instanceof PlugboardError ? ` (${error.message})` : '';
  return new PlugboardError(
    'Unavailable',
    `the subscription's rule on the event bus could not be ${done}${reason}; ${outcome}`,
  );
}

/**
 * `events`, `lifecycle:<hook>` or `action:<name>` of the target's plugin, with the action's params
 * checked: a handler the plugin lacks would fail every delivery.
 */
function checkHandler(
  { manifest, handlers }: PluginRecord,
  handler: string,
  params: Record<string, unknown>,
): { handler: SubscriptionHandler; params: Record<string, unknown> } {
  const invalid = (detail: string) =>
    new ValidationError(`the handler is not valid: ${detail}`, [{ pointer: '/handler', detail }]);
  if (handler === 'events') {
    if (handlers && !handlers.includes('events'))
      throw invalid(`plugin "${manifest.slug}" has no events handler`);
    return { handler, params: {} };
  }
  const [kind, name = ''] = handler.split(':', 2);
  if (kind === 'lifecycle') {
    if (!LIFECYCLE_HOOKS.includes(name))
      throw invalid(`a lifecycle hook is one of ${LIFECYCLE_HOOKS.join(', ')}`);
    if (!manifest.types.includes('lifecycle'))
      throw invalid(`plugin "${manifest.slug}" is not of type lifecycle, so it has no lifecycle hooks`);
    return { handler: `lifecycle:${name}`, params: {} };
  }
  if (kind === 'action') {
    const action = manifest.actions.find((a) => a.name === name);
    if (!action) {
      const known = manifest.actions.map((a) => a.name).join(', ') || 'none';
      throw invalid(`plugin "${manifest.slug}" has no action "${name}"; known: ${known}`);
    }
    const checked = checkParams(actionParams(action), params, '/params');
    if (checked.errors.length > 0)
      throw new ValidationError(`the params of action "${name}" are not valid`, checked.errors);
    return { handler: `action:${name}`, params: checked.values };
  }
  throw invalid('must be "events", "lifecycle:<hook>" or "action:<name>"');
}
