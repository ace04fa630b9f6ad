import { logEvents } from '../../core/events/event-log';
import type { EventRouter } from '../../core/events/event-router';
import type { EventBus, EventStore } from '../../core/ports';
import type { PlatformEvent } from '../../sdk/events';

/**
 * The in-process bus: a publish is logged (and so acknowledged) first, then delivered in the
 * background by the router. Events published before `start` wait in the log and are delivered by
 * the recovery `start` runs, as are those a killed process left undelivered.
 */
export class LocalEventBus implements EventBus {
  private router: EventRouter | undefined;

  constructor(private readonly store: EventStore) {}

  async publish(events: PlatformEvent[]): Promise<string[]> {
    const pending = await logEvents(this.store, events, (event) => this.router?.hasTargets(event) ?? true);
    for (const event of pending) this.router?.dispatch(event);
    return events.map((event) => event.id);
  }

  /** Hands delivery to the router and resumes every event still pending. */
  async start(router: EventRouter): Promise<void> {
    this.router = router;
    await router.recover();
  }

  /** Waits for deliveries under way (tests use it to await quiet). */
  async idle(): Promise<void> {
    await this.router?.idle();
  }

  async close(): Promise<void> {
    await this.router?.stop();
    this.router = undefined;
  }
}
