import { PlugboardError } from '../../sdk/errors';
import type { PlatformEvent } from '../../sdk/events';
import type { LogFn } from '../dispatcher/deps';
import { everyItem } from '../every-item';
import { FifoQueue } from '../fifo-queue';
import type { InvocationService } from '../invocation/invocation-service';
import type { DeadLetter, DeliveryJournal, EventStore, SubscriptionRecord, TimeRange } from '../ports';
import { AttemptGate } from './attempt-gate';
import { noDeadLetter } from './dead-letter-id';
import type { BuiltinTarget, DeliveryTarget } from './delivery-target';
import { CHAIN_TOO_DEEP, chainTooDeep } from './event-chain';
import { INTERRUPTION_LIMIT, interruptedReason } from './interrupted-delivery';
import { NotedAttempts } from './noted-attempts';
import { compilePattern, matches } from './pattern';
import type { NotRedriven, RedriveAnswer } from './redrive-answer';
import { backoffMs, DEFAULT_RETRY, type RetryPolicy, type Sleep } from './retry-policy';
import { SUBSCRIPTION_ID, type SubscriptionService } from './subscription-service';
import { subscriptionTarget } from './subscription-target';

export interface EventRouterProps {
  readonly store: EventStore;
  readonly subscriptions: SubscriptionService;
  readonly invocations: InvocationService;
  /** Reactions with no subscription record (lifecycle hooks, webhook processing). @default none */
  readonly builtins?: readonly BuiltinTarget[];
  /**
   * Targets only a dead letter names, which no event is delivered to otherwise: the bus, for the
   * events of a write it refused (`publishTarget`). @default none
   */
  readonly letterTargets?: readonly DeliveryTarget[];
  /** @default DEFAULT_RETRY */
  readonly retry?: RetryPolicy;
  readonly sleep: Sleep;
  readonly log?: LogFn;
  /**
   * Events delivered at once in the background; the rest wait their turn, pending in the log. Without
   * a bound a burst floods the plugins' workers until calls miss their deadlines; 64 kept the local
   * bus ~30% faster than 16 with every call well inside its deadline. @default 64
   */
  readonly concurrency?: number;
  /**
   * Where the attempts this router starts at delivering pending events are noted, so that `recover`
   * finds those the process died in. @default none: a service that retries such a delivery itself (Lambda)
   */
  readonly journal?: DeliveryJournal;
}

/** Thrown out of a delivery when the router stops: the event stays pending for the next start. */
class Stopped extends Error {}

/**
 * The bus's core, free of timers and AWS. Delivery runs every target in declared order, each at least once, with retries and backoff, then to
 * the dead-letter store; an event leaves the pending list only once every target has it or its letter.
 */
export class EventRouter {
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Ids of events being delivered, so recovery does not start a second delivery of one. */
  private readonly active = new Set<string>();
  /** Ids of dead letters being redriven, so a second redrive does not deliver one twice at once. */
  private readonly redriving = new Set<string>();
  private readonly stopping = new AbortController();
  private readonly attempts: number;
  private readonly concurrency: number;
  /** Events dispatched but not started yet. */
  private readonly waiting = new FifoQueue<PlatformEvent>();
  private running = 0;
  /** Lets an interrupted event's attempts run alone, and the rest side by side. */
  private readonly gate = new AttemptGate();

  constructor(private readonly props: EventRouterProps) {
    this.attempts = props.retry?.attempts ?? DEFAULT_RETRY.attempts;
    this.concurrency = props.concurrency ?? 64;
  }

  /**
   * Delivers in the background unless already under way or waiting; `stop` waits for deliveries
   * under way and leaves the rest pending.
   */
  dispatch(event: PlatformEvent): void {
    if (this.active.has(event.id)) return;
    this.active.add(event.id);
    this.waiting.push(event);
    this.startWaiting();
  }

  /**
   * False when the event has nothing to deliver: the subscriptions are loaded, none matches and no
   * built-in reaction applies. Such an event is logged complete at once, without the delivery
   * machinery (every invoke reports an Operation event, and most have no subscriber).
   */
  hasTargets(event: PlatformEvent): boolean {
    const subscriptions = this.props.subscriptions.matchIfLoaded(event);
    if (subscriptions === undefined || subscriptions.length > 0) return true;
    return (this.props.builtins ?? []).some((target) => target.applies(event));
  }

  private startWaiting(): void {
    while (this.running < this.concurrency && this.waiting.size > 0 && !this.stopping.signal.aborted) {
      const event = this.waiting.take()!;
      this.running++;
      this.track(
        this.deliverNoted(event).finally(() => {
          this.running--;
          this.active.delete(event.id);
          this.startWaiting();
        }),
      );
    }
  }

  /** Every target in order, then the event is no longer pending. */
  private async deliver(event: PlatformEvent, attempts: NotedAttempts): Promise<void> {
    const subscriptions = await this.props.subscriptions.match(event);
    if (subscriptions.length > 0 && chainTooDeep(event)) {
      await this.stopChain(event, subscriptions);
      await this.deliverInOrder(event, this.builtinsFor(event), attempts);
    } else {
      await this.deliverInOrder(event, this.targetsOf(event, subscriptions), attempts);
    }
    await this.props.store.completeEvent(event.id);
  }

  /**
   * `deliver`, its attempts noted in the journal, so that a restart after the process died in one
   * finds the event interrupted; alone for an event interrupted before.
   */
  private async deliverNoted(event: PlatformEvent, alone = false): Promise<void> {
    const attempts = new NotedAttempts(this.gate, this.props.journal, event.id, alone);
    try {
      if (!(await attempts.start(this.stopping.signal))) throw new Stopped();
      await this.deliver(event, attempts);
      attempts.completed();
    } catch (error) {
      // A journal that refuses the note is closed, so nothing more can be noted; the error says why.
      await attempts.end().catch(() => undefined);
      throw error;
    }
  }

  /**
   * The built-in reactions only (lifecycle hooks, webhook rules), for a bus that fans out to
   * subscriptions itself, which then arrive one by one. The event is not marked complete: such a bus
   * logs it complete, keeping what fails in a queue of its own, and a write after the reactions
   * could fail the delivery into that queue, whose letter would run them again.
   */
  async deliverBuiltins(event: PlatformEvent): Promise<void> {
    await this.deliverInOrder(event, this.builtinsFor(event));
  }

  /**
   * One subscription, read fresh from the store: its rule may still fire for a moment after it is
   * deleted, and such a delivery is dropped.
   */
  async deliverToSubscription(id: string, event: PlatformEvent): Promise<void> {
    const subscription = await this.subscriptionOrDrop(id, event);
    if (!subscription) return;
    if (chainTooDeep(event)) {
      await this.stopChain(event, [subscription]);
      return;
    }
    await this.deliverTo(subscriptionTarget(subscription, this.props.invocations), event);
  }

  /** The subscription as stored now, or undefined (logged) when it was deleted: its events are dropped. */
  private async subscriptionOrDrop(id: string, event: PlatformEvent) {
    const subscription = await this.props.store.getSubscription(id);
    if (!subscription)
      this.props.log?.('info', 'event for a deleted subscription dropped', {
        subscriptionId: id,
        eventId: event.id,
      });
    return subscription;
  }

  /**
   * Dead-letters an event too deep in a chain of deliveries instead of delivering it, so a loop
   * ends and nothing is lost: a redrive delivers it, and the next link stops here again.
   */
  private async stopChain(event: PlatformEvent, subscriptions: readonly { id: string }[]): Promise<void> {
    for (const { id } of subscriptions) {
      this.props.log?.('warn', 'event chain stopped', { eventId: event.id, subscriptionId: id });
      await this.putLetter(event, id, 0, CHAIN_TOO_DEEP);
    }
  }

  /**
   * Starts delivery of every event logged but not fully delivered (after a crash or a stop). Those
   * whose attempts the process died in go first, each attempt alone and before any other starts, so
   * that a plugin aborting the process again does so with one event in flight: its second
   * interruption (INTERRUPTION_LIMIT) is then its own, and it goes to the dead letters instead of
   * aborting every start after. While such an event waits out a backoff, the next one's attempt runs,
   * then the rest side by side, those published meanwhile too.
   */
  async recover(): Promise<number> {
    // Held alone while the log is read, so that no attempt starts before the interrupted events queue.
    const turn = this.gate.enter(true);
    if (turn) await turn;
    const interrupted: { event: PlatformEvent; interruptions: number }[] = [];
    let count = 0;
    let cursor: string | undefined;
    try {
      do {
        const page = await this.props.store.listPending({ limit: 500, cursor });
        for (const event of page.items) {
          const interruptions = (await this.props.journal?.interruptedAttempts(event.id)) ?? 0;
          if (interruptions === 0) this.dispatch(event);
          else if (!this.active.has(event.id)) {
            this.active.add(event.id);
            interrupted.push({ event, interruptions });
          }
        }
        count += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
    } finally {
      for (const { event, interruptions } of interrupted)
        this.track(this.deliverInterrupted(event, interruptions));
      this.gate.leave(true);
    }
    return count;
  }

  /** Its attempts alone; an event interrupted INTERRUPTION_LIMIT times is dead-lettered for each target. */
  private async deliverInterrupted(event: PlatformEvent, interruptions: number): Promise<void> {
    try {
      if (interruptions < INTERRUPTION_LIMIT) await this.deliverNoted(event, true);
      else await this.deadLetterInterrupted(event, interruptions);
    } finally {
      this.active.delete(event.id);
    }
  }

  private async deadLetterInterrupted(event: PlatformEvent, interruptions: number): Promise<void> {
    const targets = this.targetsOf(event, await this.props.subscriptions.match(event));
    this.props.log?.('warn', 'event not delivered again: the process died in its deliveries', {
      eventId: event.id,
      interruptions,
      targets: targets.map((target) => target.id),
    });
    for (const target of targets)
      await this.putLetter(event, target.id, interruptions, interruptedReason(interruptions));
    await this.props.store.completeEvent(event.id);
  }

  /**
   * Delivers dead letters again (all, or those named) in the background; a letter is removed only
   * once delivered. Says which letters are not delivered again and why, those whose target is gone
   * included: found before the answer, so the caller hears of them rather than a log alone.
   */
  async redrive(ids?: readonly string[]): Promise<RedriveAnswer> {
    const letters: DeadLetter[] = [];
    if (ids) {
      for (const id of ids) {
        const letter = await this.props.store.getDeadLetter(id);
        if (!letter) throw noDeadLetter(id);
        letters.push(letter);
      }
    } else {
      for await (const letter of everyItem((page) => this.props.store.listDeadLetters(page)))
        letters.push(letter);
    }
    const subscriptions = new Map<string, Promise<SubscriptionRecord | undefined>>();
    const subscription = (id: string) => {
      if (!subscriptions.has(id)) subscriptions.set(id, this.props.store.getSubscription(id));
      return subscriptions.get(id)!;
    };
    const targets: (DeliveryTarget | undefined)[] = [];
    for (const letter of letters)
      targets.push(await this.targetById(letter.target, letter.event, subscription));
    letters.forEach((letter, i) => {
      const target = targets[i];
      // A second redrive while the first still retries (a caller who saw the letters still listed)
      // would deliver each letter again: an action run twice, or a parked event published twice,
      // which on EventBridge even gets a new id, so no idempotency key tells the copies apart.
      if (!target || this.redriving.has(letter.id)) return;
      this.redriving.add(letter.id);
      this.track(
        (async () => {
          if (await this.deliverTo(target, letter.event, letter))
            await this.props.store.deleteDeadLetter(letter.id);
        })().finally(() => this.redriving.delete(letter.id)),
      );
    });
    const notRedriven: NotRedriven[] = [];
    for (const [i, letter] of letters.entries())
      if (!targets[i]) notRedriven.push(await this.targetGone(letter));
    return { redriving: letters.length - notRedriven.length, notRedriven };
  }

  /**
   * A letter whose target is gone. One for a subscription deleted since is dropped, as its rule's
   * late events are: no one wants it delivered, and kept it could never leave the queue. Any other
   * target (a reaction a later release renamed, or one that does not take the event) is kept, so
   * that nothing a release could deliver is lost, until an operator deletes it.
   */
  private async targetGone(letter: DeadLetter): Promise<NotRedriven> {
    const subscription = SUBSCRIPTION_ID.test(letter.target);
    if (subscription) await this.props.store.deleteDeadLetter(letter.id);
    const reason = subscription
      ? `subscription ${letter.target} has been deleted: the letter is dropped`
      : `no target "${letter.target}" takes this event (no subscription has that id, and no reaction of the platform's applies to the event): the letter is kept; DELETE /v1/dlq/{id} removes it`;
    this.props.log?.('warn', 'dead letter not redriven', { id: letter.id, reason });
    return { id: letter.id, reason };
  }

  /** Delivers the logged events of a time range that match a subscription's pattern to it again. */
  async replay(subscriptionId: string, range: TimeRange): Promise<number> {
    const subscription = await this.props.subscriptions.get(subscriptionId);
    const pattern = compilePattern(subscription.pattern);
    const target = subscriptionTarget(subscription, this.props.invocations);
    const events: PlatformEvent[] = [];
    for await (const event of everyItem((page) => this.props.store.listEvents(range, page)))
      if (matches(pattern, event)) events.push(event);
    this.track(
      (async () => {
        for (const event of events) await this.deliverTo(target, event);
      })(),
    );
    return events.length;
  }

  /** Stops retrying and waits for deliveries under way; unfinished events stay pending. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Marks the deliveries under way; the function returned waits for those started since, and for no
   * other. The Lambda dispatcher must finish what a request started before Lambda freezes it, but
   * waiting for all (a redrive an earlier request left when its time ran out) held every later
   * request's answer, a health check's too, for as long as the function had left.
   */
  mark(): () => Promise<void> {
    const before = new Set(this.inFlight);
    return async () => {
      for (;;) {
        const started = [...this.inFlight].filter((work) => !before.has(work));
        if (started.length === 0) return;
        await Promise.allSettled(started);
        for (const work of started) before.add(work);
      }
    };
  }

  /** Waits until no delivery is under way (tests and orderly shutdowns). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Attempts with backoff; after the last failure the event goes to the dead-letter store with the
   * reason (a redriven letter is rewritten with its new count). True when delivered. A pending
   * event's delivery ends its noted attempt for each backoff, so that others run meanwhile.
   */
  private async deliverTo(
    target: DeliveryTarget,
    event: PlatformEvent,
    letter?: DeadLetter,
    attempts?: NotedAttempts,
  ): Promise<boolean> {
    const idempotencyKey = `${event.id}:${target.id}`;
    const signal = this.stopping.signal;
    let reason = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (signal.aborted) throw new Stopped();
      try {
        await target.deliver({ event, idempotencyKey, attempt: (letter?.attempts ?? 0) + attempt });
        return true;
      } catch (error) {
        reason = describe(error);
        this.props.log?.('warn', 'event delivery failed', { idempotencyKey, attempt, reason });
      }
      if (attempt < this.attempts) {
        await attempts?.end();
        await this.props.sleep(backoffMs(this.props.retry ?? {}, attempt), signal).catch(() => {
          throw new Stopped();
        });
        if (attempts && !(await attempts.start(signal))) throw new Stopped();
      }
    }
    if (signal.aborted) throw new Stopped();
    const failed = letterOf(event, target.id, (letter?.attempts ?? 0) + this.attempts, reason);
    const noted = { id: failed.id, attempts: failed.attempts, reason };
    if (!letter) {
      await this.props.store.putDeadLetter(failed);
      // The line an operator watching the local platform's log has where AWS has the DeadLetters alarm.
      this.props.log?.('error', 'event dead-lettered: every attempt failed', noted);
    }
    // An operator who deleted the letter while it was redriven wants it gone, delivered or not.
    else if (await this.props.store.replaceDeadLetter(failed))
      this.props.log?.('warn', 'redriven dead letter failed again: kept', noted);
    else
      this.props.log?.('info', 'dead letter deleted during its redrive: not written back', { id: failed.id });
    return false;
  }

  private putLetter(event: PlatformEvent, target: string, attempts: number, reason: string): Promise<void> {
    return this.props.store.putDeadLetter(letterOf(event, target, attempts, reason));
  }

  private builtinsFor(event: PlatformEvent): BuiltinTarget[] {
    return (this.props.builtins ?? []).filter((target) => target.applies(event));
  }

  /** The built-in reactions, then the matching subscriptions in their order. */
  private targetsOf(event: PlatformEvent, subscriptions: readonly SubscriptionRecord[]): DeliveryTarget[] {
    return [
      ...this.builtinsFor(event),
      ...subscriptions.map((s) => subscriptionTarget(s, this.props.invocations)),
    ];
  }

  private async deliverInOrder(
    event: PlatformEvent,
    targets: readonly DeliveryTarget[],
    attempts?: NotedAttempts,
  ): Promise<void> {
    for (const target of targets) await this.deliverTo(target, event, undefined, attempts);
  }

  /** The target a letter names; undefined when there is none (see targetGone). */
  private async targetById(
    id: string,
    event: PlatformEvent,
    subscription: (id: string) => Promise<SubscriptionRecord | undefined>,
  ): Promise<DeliveryTarget | undefined> {
    const named = this.props.letterTargets?.find((target) => target.id === id);
    if (named) return named;
    const builtin = this.props.builtins?.find((target) => target.id === id && target.applies(event));
    if (builtin) return builtin;
    if (!SUBSCRIPTION_ID.test(id)) return undefined;
    const record = await subscription(id);
    return record && subscriptionTarget(record, this.props.invocations);
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.catch((error) => {
      if (!(error instanceof Stopped))
        this.props.log?.('error', 'event delivery stopped by an error', { error: describe(error) });
    });
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
  }
}

/** The letter of the event for one target, under the delivery's idempotency key. */
function letterOf(event: PlatformEvent, target: string, attempts: number, reason: string): DeadLetter {
  return {
    id: `${event.id}:${target}`,
    event,
    target,
    attempts,
    reason,
    failedAt: new Date().toISOString(),
  };
}

/** A reason safe to store and show: the error code and message, never a stack. */
function describe(error: unknown): string {
  if (error instanceof PlugboardError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
