import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { type FileHandle, mkdir, open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { FifoQueue } from '../../core/fifo-queue';
import type { AppendOptions, DeliveryJournal, Page, PageRequest, TimeRange } from '../../core/ports';
import { PlugboardError } from '../../sdk/errors';
import type { PlatformEvent } from '../../sdk/events';
import { compareEntries, EventOrder, entryOf, type LogEntry } from './event-order';

/**
 * An event logged, with `complete` when it had nothing to deliver; an event's delivery done; or one
 * attempt at a pending event started, or ended with the event still pending (older logs noted whole
 * deliveries alike, and read the same).
 */
type LogLine =
  | { op: 'append'; event: PlatformEvent; complete?: true }
  | { op: 'complete' | 'start' | 'end'; id: string };

export interface FileEventLogOptions {
  /** The NDJSON file. */
  readonly file: string;
  /**
   * Completed events kept for GET /v1/events/log and replay; older ones leave memory as new ones
   * complete, and the file when the log is next opened. Pending events are always kept. @default 10000
   */
  readonly retain?: number;
}

const DEFAULT_RETAIN = 10_000;
const NEWLINE = 0x0a;
/**
 * How much of the file's end is read at a time looking for the last newline: more than any line
 * today, an event being at most MAX_EVENT_JSON_BYTES as JSON. Not a bound on a line, though: a torn
 * tail longer than the window (a log written by a version without that limit) is searched past it.
 */
const TAIL_WINDOW = 1024 * 1024;
/**
 * The local bus's event log: one append-only NDJSON file. An append returns once the line is in the
 * operating system's hands, so an acknowledged event survives the process being killed; a line torn
 * by a kill mid-write is skipped when the log is read back. It exists because the log sits on every
 * invoke's path (Operation Succeeded|Failed) and a write through embedded DynamoDB costs milliseconds;
 * on AWS the same port is DynamoDbEventStore. It is the local bus's journal of attempts too, since a
 * start must be as durable as the event it is of, and is read back with it.
 */
export class FileEventLog implements DeliveryJournal {
  private readonly events = new Map<string, LogEntry>();
  private readonly pending = new Set<string>();
  /** How many attempts at each pending event started and have not ended; none is not kept. */
  private readonly started = new Map<string, number>();
  private readonly logOrder = new EventOrder('log', (entry) => !entry.evicted);
  private readonly pendingOrder = new EventOrder(
    'pending',
    (entry) => !entry.evicted && this.pending.has(entry.id),
  );
  private fd: number | undefined;
  /** Lines waiting for the next group commit, and the promise their writers wait on. */
  private batch: string[] = [];
  private written: Promise<void> | undefined;
  private settle: { resolve(): void; reject(error: unknown): void } | undefined;
  /** Ids of completed events still in memory, oldest completion first. */
  private completedIds = new FifoQueue<string>();

  private constructor(
    private readonly file: string,
    private readonly retain: number,
  ) {}

  static async open(options: FileEventLogOptions): Promise<FileEventLog> {
    const log = new FileEventLog(options.file, options.retain ?? DEFAULT_RETAIN);
    await mkdir(dirname(options.file), { recursive: true, mode: 0o700 });
    await log.read();
    await log.cutTornTail();
    await log.compact();
    for (const entry of log.events.values()) log.track(entry);
    log.fd = openSync(options.file, 'a', 0o600);
    return log;
  }

  async appendEvent(event: PlatformEvent, { pending = true }: AppendOptions = {}): Promise<void> {
    if (this.events.has(event.id)) return;
    const entry = entryOf(event);
    this.events.set(event.id, entry);
    if (pending) this.pending.add(event.id);
    else this.markCompleted(event.id);
    this.track(entry);
    await this.write(pending ? { op: 'append', event } : { op: 'append', event, complete: true });
  }

  async completeEvent(id: string): Promise<void> {
    if (!this.pending.delete(id)) return;
    this.started.delete(id);
    this.pendingOrder.removed();
    this.markCompleted(id);
    await this.write({ op: 'complete', id });
  }

  /**
   * A line of its own in the same group commit as the appends: a delivery waits one turn of the event
   * loop for it, and no fsync, as an append has none.
   */
  async startAttempt(id: string): Promise<void> {
    if (!this.countAttempt(id, 1)) return;
    await this.write({ op: 'start', id });
  }

  async endAttempt(id: string): Promise<void> {
    if (!this.countAttempt(id, -1)) return;
    await this.write({ op: 'end', id });
  }

  async interruptedAttempts(id: string): Promise<number> {
    return this.started.get(id) ?? 0;
  }

  async listPending(request: PageRequest = {}): Promise<Page<PlatformEvent>> {
    return this.pendingOrder.page(request);
  }

  async listEvents(range: TimeRange, request: PageRequest = {}): Promise<Page<PlatformEvent>> {
    return this.logOrder.page(request, { from: Date.parse(range.from), to: Date.parse(range.to) });
  }

  async close(): Promise<void> {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /**
   * Lines written in one turn of the event loop go to the file in one synchronous append (a group
   * commit), and each write resolves only once its line is in the operating system's hands. Through
   * the thread pool every append would cost two thread hand-offs, and one system call per line was a
   * tenth of the invoke path under load.
   */
  private write(line: LogLine): Promise<void> {
    if (this.fd === undefined)
      return Promise.reject(new PlugboardError('Unavailable', 'the event log is closed'));
    this.batch.push(JSON.stringify(line));
    this.written ??= new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
      setImmediate(() => this.flush());
    });
    return this.written;
  }

  private flush(): void {
    const settle = this.settle;
    if (!settle) return;
    const lines = this.batch;
    this.batch = [];
    this.written = undefined;
    this.settle = undefined;
    try {
      if (this.fd === undefined) throw new PlugboardError('Unavailable', 'the event log is closed');
      writeSync(this.fd, `${lines.join('\n')}\n`);
      settle.resolve();
    } catch (error) {
      settle.reject(error);
    }
  }

  private async read(): Promise<void> {
    let lines: AsyncIterable<string>;
    try {
      lines = createInterface({ input: createReadStream(this.file), crlfDelay: Number.POSITIVE_INFINITY });
      for await (const text of lines) this.apply(text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }

  private apply(text: string): void {
    let line: LogLine;
    try {
      line = JSON.parse(text);
    } catch {
      return; // a line torn by a kill mid-write: the event was never acknowledged
    }
    if (line.op === 'append' && typeof line.event?.id === 'string') {
      this.events.set(line.event.id, entryOf(line.event));
      if (line.complete !== true) this.pending.add(line.event.id);
    } else if (line.op === 'complete') {
      this.pending.delete(line.id);
      this.started.delete(line.id);
    } else if (line.op === 'start' || line.op === 'end') {
      this.countAttempt(line.id, line.op === 'start' ? 1 : -1);
    }
  }

  /**
   * Counts an attempt at a pending event started (1) or ended (-1); false, counting nothing, for an
   * event no longer pending or an attempt that never started.
   */
  private countAttempt(id: string, change: 1 | -1): boolean {
    const count = (this.started.get(id) ?? 0) + change;
    if (!this.pending.has(id) || count < 0) return false;
    if (count === 0) this.started.delete(id);
    else this.started.set(id, count);
    return true;
  }

  /** Cuts a line a kill left unfinished, so the next append starts a line of its own. */
  private async cutTornTail(): Promise<void> {
    let handle: FileHandle;
    try {
      handle = await open(this.file, 'r+');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      const buffer = Buffer.alloc(Math.min(size, TAIL_WINDOW));
      for (let end = size; end > 0; ) {
        const start = Math.max(0, end - buffer.length);
        await handle.read(buffer, 0, end - start, start);
        const window = buffer.subarray(0, end - start);
        if (end === size && window.at(-1) === NEWLINE) return;
        const newline = window.lastIndexOf(NEWLINE);
        if (newline >= 0 || start === 0) {
          await handle.truncate(start + newline + 1);
          return;
        }
        end = start;
      }
    } finally {
      await handle.close();
    }
  }

  /**
   * Counts the event as completed, keeping at most `retain` completed events in memory, dropping the
   * first completed. A queue, not a walk over the Map from its start: deleted Map entries stay as
   * holes that every walk steps over.
   */
  private markCompleted(id: string): void {
    this.completedIds.push(id);
    while (this.completedIds.size > this.retain) {
      const id = this.completedIds.take()!;
      const entry = this.events.get(id);
      if (entry) entry.evicted = true;
      this.events.delete(id);
      this.logOrder.removed();
    }
  }

  private track(entry: LogEntry): void {
    this.logOrder.add(entry);
    if (this.pending.has(entry.id)) this.pendingOrder.add(entry);
  }

  /** When more than `retain` events are complete, rewrites the file without the oldest of them. */
  private async compact(): Promise<void> {
    const completed = [...this.events.values()].filter((e) => !this.pending.has(e.id)).sort(compareEntries);
    const dropped = completed.slice(0, Math.max(0, completed.length - this.retain));
    this.completedIds = new FifoQueue(completed.slice(dropped.length).map((event) => event.id));
    if (dropped.length === 0) return;
    for (const event of dropped) this.events.delete(event.id);
    const temp = `${this.file}.compact`;
    const handle = await open(temp, 'w', 0o600);
    try {
      // A pending event's unended starts go along: they are how a restart finds it interrupted.
      const lines = [...this.events.values()]
        .sort(compareEntries)
        .flatMap(({ event }): LogLine[] =>
          this.pending.has(event.id)
            ? [
                { op: 'append', event },
                ...Array.from({ length: this.started.get(event.id) ?? 0 }, () => ({
                  op: 'start' as const,
                  id: event.id,
                })),
              ]
            : [{ op: 'append', event, complete: true }],
        )
        .map((line) => JSON.stringify(line));
      await handle.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.file);
  }
}
