import { cursorPosition, cursorText, invalidCursor } from '../../core/page-cursor-text';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type Page, type PageRequest } from '../../core/ports';
import type { PlatformEvent } from '../../sdk/events';

/**
 * One append of an event, with its place in the order worked out once: parsing the time in every
 * comparison made a sort of the log cost milliseconds. A new entry per append, not per id, tells an
 * event evicted and appended again from its old entry.
 */
export interface LogEntry {
  readonly ms: number;
  readonly id: string;
  readonly event: PlatformEvent;
  /**
   * Set when retention drops the event, so an order leaves it out by reading a field: a lookup of
   * the log's Map for each of ~10,000 entries at every settle cost the invoke path ~8 µs a call.
   */
  evicted: boolean;
}

type Position = Pick<LogEntry, 'ms' | 'id'>;
export interface MsRange {
  readonly from: number;
  readonly to: number;
}

export const entryOf = (event: PlatformEvent): LogEntry => ({
  ms: Date.parse(event.time),
  id: event.id,
  event,
  evicted: false,
});

/**
 * Time, then id by code unit: the order DynamoDB keeps the event index's `<time>#<id>` keys in (ids
 * are printable ASCII there, where code units and bytes order alike), so both adapters page alike.
 */
export function compareEntries(a: Position, b: Position): number {
  return a.ms - b.ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Appends held unsorted at most, so a list never read does not keep every event it was given. */
const MAX_ADDED = 1024;

/**
 * Entries in (time, id) order, for paging with a cursor that names the last entry returned: a page
 * continues strictly after it, whatever was added or removed meanwhile, as DynamoDB's
 * LastEvaluatedKey does; an offset shifted by every earlier insert or eviction. Sorted when read,
 * not on each append or removal, which sit on the invoke path: appends wait in `added`, and a
 * removal only marks the order stale, the entries `holds` no longer keeps leaving at the next read.
 */
export class EventOrder {
  private readonly sorted: LogEntry[] = [];
  private added: LogEntry[] = [];
  private stale = false;

  constructor(
    /** Names the list in its cursors, so another list's cursor is refused. */
    private readonly list: string,
    private readonly holds: (entry: LogEntry) => boolean,
  ) {}

  add(entry: LogEntry): void {
    this.added.push(entry);
    if (this.added.length > MAX_ADDED) this.settle();
  }

  removed(): void {
    this.stale = true;
  }

  page(request: PageRequest, range: MsRange = { from: -Infinity, to: Infinity }): Page<PlatformEvent> {
    const after = this.decode(request.cursor);
    // No cursor of this range is at or past its `to`, not even of the default window, whose `to`
    // only grows. One before `from` is taken: the event a page of that window ended on can age out
    // of it before the next page is read.
    if (after && after.ms >= range.to) throw invalidCursor();
    this.settle();
    const limit = Math.min(Math.max(request.limit ?? DEFAULT_PAGE_LIMIT, 1), MAX_PAGE_LIMIT);
    const entries = this.sorted;
    let start = firstWhere(entries, (e) => e.ms >= range.from);
    if (after)
      start = Math.max(
        start,
        firstWhere(entries, (e) => compareEntries(e, after) > 0),
      );
    let end = start;
    while (end < entries.length && end - start < limit && entries[end]!.ms < range.to) end++;
    const more = end < entries.length && entries[end]!.ms < range.to;
    return {
      items: entries.slice(start, end).map((e) => e.event),
      nextCursor: more ? this.encode(entries[end - 1]!) : undefined,
    };
  }

  /**
   * Sorts what was added into the order, and drops what the order no longer holds, in place: on the
   * invoke path each settle (every 1,024 appends) made two new arrays of the whole order, ~10,000
   * entries, which outlived the young generation. What was added goes after the entries that sort
   * before its first: all of them but some of its first millisecond, when events are logged in the
   * order of their times.
   */
  private settle(): void {
    if (!this.stale && this.added.length === 0) return;
    const sorted = this.sorted;
    const added = this.stale ? this.added.filter(this.holds) : this.added;
    if (this.stale) keepOnly(sorted, this.holds);
    if (added.length > 0) {
      const first = added.sort(compareEntries)[0]!;
      const after = sorted.splice(firstWhere(sorted, (entry) => compareEntries(entry, first) > 0));
      for (const entry of after.length === 0 ? added : merge(after, added)) sorted.push(entry);
    }
    this.added = [];
    this.stale = false;
  }

  private encode(at: Position): string {
    return cursorText([this.list, new Date(at.ms).toISOString(), at.id]);
  }

  private decode(cursor: string | undefined): Position | undefined {
    if (cursor === undefined) return undefined;
    const key = cursorPosition(cursor);
    if (!Array.isArray(key) || key.length !== 3) throw invalidCursor();
    const [list, time, id] = key as unknown[];
    const ms = typeof time === 'string' ? Date.parse(time) : Number.NaN;
    // Only the text this list writes: any other spelling of a time was not made here.
    const made = !Number.isNaN(ms) && new Date(ms).toISOString() === time;
    if (list !== this.list || !made || typeof id !== 'string' || id === '') throw invalidCursor();
    return { ms, id };
  }
}

/** The first index whose entry passes `test`, which fails for a prefix of `entries` and passes after. */
function firstWhere(entries: readonly LogEntry[], test: (entry: LogEntry) => boolean): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (test(entries[mid]!)) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** Removes the entries that fail `test`, in place, keeping the order of the others. */
function keepOnly(entries: LogEntry[], test: (entry: LogEntry) => boolean): void {
  let kept = 0;
  for (const entry of entries) if (test(entry)) entries[kept++] = entry;
  entries.length = kept;
}

function merge(a: readonly LogEntry[], b: readonly LogEntry[]): LogEntry[] {
  const out: LogEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(compareEntries(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
