import { PlugboardError } from '../../sdk/errors';
import type { PlatformEvent } from '../../sdk/events';
import { everyItem } from '../every-item';
import type {
  AnnouncingInstance,
  EventBus,
  HeldAnnouncement,
  InstanceRecord,
  Registry,
  ReleaseOptions,
} from '../ports';
import { type BelongingsDeps, removeBelongings } from './belongings';

export interface AnnouncementDeps extends BelongingsDeps {
  readonly registry: Registry;
  readonly bus: EventBus;
}

/**
 * When held announcements are settled while the platform runs, on AWS and locally alike: every
 * `everyMs`, those held more than `afterMs` ago, far longer than a live write takes (the
 * dispatcher's function times out at 29 s). So an event a failure left held reaches the bus within
 * about their sum, without waiting for a restart.
 */
export const ANNOUNCEMENT_SETTLEMENT = { everyMs: 5 * 60_000, afterMs: 2 * 60_000 } as const;

/**
 * How old a delete's claim on its instance (Registry.deleteInstance) is when a new delete takes it
 * over instead of answering InUse: its delete died, as one that lives is done within the dispatcher
 * function's 29 s. Counted from when that delete held its announcement, which is after its
 * invocation began, so past this it has been stopped; the rest (31 s) covers clocks that differ
 * between hosts. Shorter than settlement's wait, which a delete need not sit out.
 */
export const DELETE_CLAIM_EXPIRY_MS = 60_000;

/** What recovery did with the announcements it found held. */
export interface SettledAnnouncements {
  /** Their writes had landed: published, then released. */
  published: number;
  /**
   * Their writes had not landed (or they were published before): released, or found released
   * meanwhile (a delete that took over a dead one's claim releases its announcement).
   */
  dropped: number;
  /** The bus could not take them now: left held for the next recovery. */
  kept: number;
}

/**
 * Makes an instance write and publishes its event, the event held in the registry first and the
 * write carrying its id: a process that dies anywhere in between leaves it held, and
 * settleAnnouncements publishes it if the write landed. `write` gets the announcement to carry.
 */
export async function announcedWrite<T extends InstanceRecord>(
  deps: AnnouncementDeps,
  held: Omit<HeldAnnouncement, 'heldAt'>,
  write: (announcing: HeldAnnouncement) => Promise<T>,
): Promise<T> {
  const announcement: HeldAnnouncement = { ...held, heldAt: new Date().toISOString() };
  await deps.registry.holdAnnouncement(announcement);
  let written: T;
  try {
    written = await write(announcement);
  } catch (error) {
    // A write the registry refused did not land; any other failure may have, so recovery decides.
    if (refused(error)) await release(deps, announcement, { landed: false });
    throw error;
  }
  try {
    await deps.bus.publish([announcedEvent(announcement, written)]);
  } catch (error) {
    // An event the bus refuses as not valid would be refused again; any other failure, recovery retries.
    if (refusedAsInvalid(error)) await release(deps, announcement, { landed: true });
    throw error;
  }
  await release(deps, announcement, { landed: true });
  return written;
}

/**
 * Publishes the events of the instance writes that landed but whose process died before it
 * published them, and releases every announcement held more than `olderThanMs` ago: long enough
 * that no live write still holds it (0 when nothing else writes, at a local start). A create or an
 * update landed when its instance carries the announcement's id, or a delete found it there; a
 * delete, when it claimed its instance (its `landed` mark) and no instance of that generation is
 * left. An event published before its process died is published again, under the same
 * id: the local bus's idempotency key (`<event id>:<target>`) tells the copies apart.
 */
export async function settleAnnouncements(
  deps: AnnouncementDeps,
  olderThanMs: number,
): Promise<SettledAnnouncements> {
  const settled: SettledAnnouncements = { published: 0, dropped: 0, kept: 0 };
  const heldBefore = new Date(Date.now() - olderThanMs).toISOString();
  const held = everyItem((page) => deps.registry.listAnnouncements(heldBefore, page), 100);
  for await (const announcement of held) settled[await settle(deps, announcement)]++;
  if (settled.published + settled.dropped + settled.kept > 0)
    deps.log?.(settled.kept > 0 ? 'warn' : 'info', 'held announcements of instance writes settled', {
      ...settled,
    });
  return settled;
}

async function settle(deps: AnnouncementDeps, listed: HeldAnnouncement): Promise<keyof SettledAnnouncements> {
  const current = await deps.registry.getAnnouncing(listed.instance);
  // A delete's `landed` mark is read again, after its instance: a delete that takes over its claim
  // undoes the mark before it removes the instance, possibly after the listing was read.
  const announcement = listed.write === 'delete' ? await deps.registry.getAnnouncement(listed) : listed;
  if (announcement === undefined) return 'dropped';
  const landed =
    announcement.write === 'delete'
      ? announcement.landed !== undefined &&
        (current === undefined || current.record.generation !== announcement.generation)
      : announcement.landed !== undefined || current?.announcing.includes(announcement.event.id) === true;
  if (!landed) {
    await deps.registry.releaseAnnouncement(announcement);
    return 'dropped';
  }
  if (announcement.write === 'delete') await removeLeftBelongings(deps, announcement, current);
  try {
    await deps.bus.publish([announcedEvent(announcement, announcement.landed ?? current?.record)]);
  } catch (error) {
    const fields = { eventId: announcement.event.id, instance: announcement.instance, error: String(error) };
    if (!refusedAsInvalid(error)) {
      deps.log?.('warn', 'held announcement not published: the bus did not take it', fields);
      return 'kept';
    }
    deps.log?.('error', 'held announcement dropped: the bus refused it as not valid', fields);
    await deps.registry.releaseAnnouncement(announcement, { landed: true });
    return 'dropped';
  }
  await deps.registry.releaseAnnouncement(announcement, { landed: true });
  return 'published';
}

/**
 * A delete whose process died after the instance went may have left its credentials and store;
 * they go before its event, as the live delete removes them. Its generation's store and credentials
 * are its own. What is named by the instance's name alone (the store under its name, the credentials
 * of an instance from before generations) is removed only while no instance of the name exists: one
 * made since holds them now.
 */
async function removeLeftBelongings(
  deps: AnnouncementDeps,
  announcement: HeldAnnouncement,
  current: AnnouncingInstance | undefined,
): Promise<void> {
  const { plugin } = announcement.event.detail;
  if (typeof plugin !== 'string') return;
  await removeBelongings(
    deps,
    { plugin, name: announcement.instance, generation: announcement.generation },
    { credentials: true, byName: current === undefined },
  );
}

/** The event as published: a create's gets the `createdAt` its registry write gave the record. */
function announcedEvent(
  announcement: HeldAnnouncement,
  record: Pick<InstanceRecord, 'createdAt'> | undefined,
): PlatformEvent {
  const { event } = announcement;
  if (announcement.write !== 'create' || record === undefined) return event;
  return { ...event, detail: { ...event.detail, createdAt: record.createdAt } };
}

const refused = (error: unknown): boolean =>
  error instanceof PlugboardError && error.code !== 'Unavailable' && error.code !== 'Internal';

/** The bus refused the event as not valid: it would refuse it again. */
const refusedAsInvalid = (error: unknown): boolean =>
  error instanceof PlugboardError && error.code === 'Validation';

/**
 * Once the write is answered, a failed release only leaves the announcement held: recovery then
 * finds it published or not landed, and at worst publishes it again under the same id.
 */
async function release(
  deps: AnnouncementDeps,
  announcement: HeldAnnouncement,
  options: ReleaseOptions,
): Promise<void> {
  await deps.registry.releaseAnnouncement(announcement, options).catch((error: unknown) =>
    deps.log?.('warn', 'held announcement not released; recovery will settle it', {
      eventId: announcement.event.id,
      instance: announcement.instance,
      error: error instanceof PlugboardError ? error.code : String(error),
    }),
  );
}
