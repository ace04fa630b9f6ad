import { Worker } from 'node:worker_threads';
import {
  type Answer,
  type Envelope,
  MAX_PAYLOAD_BYTES,
  parseAnswer,
  serializeEnvelope,
} from '../../core/envelope';
import { createRedactor } from '../../core/runtime/redact';
import type { LogRecord } from '../../core/runtime/services';
import { PlugboardError } from '../../sdk/errors';
import type { CallUnderWay } from '../calls-under-way';
import { functionFailure } from '../function-failure';
import { type Batch, batchedSender, unbatch } from './message-batch';
import type { FromWorker, HostMethod, HostMethods, ToWorker } from './protocol';
import { WORKER_DATA_MARK } from './protocol';

export interface PluginWorkerOptions {
  slug: string;
  bundleFile: string;
  memoryMb: number;
  host: HostMethods;
  onLog(record: LogRecord): void;
  account: string;
  region: string;
}

interface PendingCall {
  resolve(answer: Answer): void;
  timer: NodeJS.Timeout;
  /** What a call under way for a while is named by (see calls-under-way.ts). */
  envelope: Envelope;
  /** Epoch milliseconds. */
  started: number;
  requestId: string | undefined;
  credentialsRef: string | undefined;
  /**
   * The credential values resolved for this call: a crash while it waits may quote them, and is
   * scrubbed of them. They go with the call when it settles, so a worker that lives for days holds
   * no more secrets than its calls under way.
   */
  secrets?: readonly string[];
}

/** How long past its deadline a call may run before the worker is judged hung and replaced. */
export const HANG_GRACE_MS = 250;

/** A platform run under `--cpu-prof` profiles its plugins' threads too (they write on a normal exit). */
const PROFILER_FLAGS = process.execArgv.filter((flag) => flag.startsWith('--cpu-prof'));

/** How long a closing worker gets to end by itself before it is terminated. */
const CLOSE_GRACE_MS = 1_000;

/**
 * One worker thread running one plugin bundle. A call that outlives its deadline, a crash, an exit
 * or running out of memory ends the worker; every call still waiting on it gets a clear error, and
 * `dead` tells the invoker to start a fresh one.
 */
export class PluginWorker {
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, PendingCall>();
  private nextId = 0;
  private ended = false;

  constructor(private readonly options: PluginWorkerOptions) {
    this.worker = new Worker(options.bundleFile, {
      workerData: { mark: WORKER_DATA_MARK, account: options.account, region: options.region },
      // A young generation of 8 MB instead of V8's 32 keeps ~15 MB less resident per busy worker
      // (bench: 220 vs 236 MB under the 50-connection load) at the same throughput.
      resourceLimits: { maxOldGenerationSizeMb: options.memoryMb, maxYoungGenerationSizeMb: 8 },
      execArgv: [...PROFILER_FLAGS, '--enable-source-maps'],
      stdout: false,
      stderr: false,
    });
    this.ready = new Promise((resolve, reject) => {
      this.worker.once('message', (m: FromWorker) => (m.t === 'ready' ? resolve() : undefined));
      this.worker.once('error', reject);
      this.worker.once('exit', (code) =>
        reject(new Error(`the worker exited with code ${code} while starting`)),
      );
    });
    this.ready.catch(() => undefined);
    this.worker.on('message', (message: FromWorker | Batch<FromWorker>) => {
      for (const one of unbatch(message)) this.onMessage(one);
    });
    this.worker.on('error', (error: Error & { code?: string }) => {
      const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.crashed(`the plugin's worker ${outOfMemory ? 'ran out of memory' : 'crashed'}`, error);
    });
    // An exit the platform did not ask for (process.exit in the plugin); its own come after `stop`.
    this.worker.on('exit', (code) => this.crashed(`the plugin's worker exited (code ${code})`));
  }

  get dead(): boolean {
    return this.ended;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /** The calls waiting on this worker that started before `epochMs`. */
  callsStartedBefore(epochMs: number): CallUnderWay[] {
    const calls: CallUnderWay[] = [];
    for (const { envelope, started } of this.pending.values()) {
      if (started >= epochMs) continue;
      // The Lambda endpoint passes any JSON as the envelope: only its strings are quoted.
      const [instance = '-', kind = '-', name = '-'] = [envelope.instance, envelope.kind, envelope.name].map(
        (field: unknown) => (typeof field === 'string' ? field : '-'),
      );
      calls.push({ plugin: this.options.slug, instance, kind, name, started });
    }
    return calls;
  }

  invoke(envelope: Envelope): Promise<Answer> {
    if (this.ended)
      return Promise.resolve(functionFailure('PluginFailed', "the plugin's worker is not running"));
    // Before the call is registered: an envelope refused here leaves nothing waiting.
    const json = serializeEnvelope(envelope);
    const id = this.nextId++;
    const started = Date.now();
    return new Promise<Answer>((resolve) => {
      // A payload that is not an envelope (the Lambda endpoint passes any JSON) has no deadline: the
      // runtime answers it at once, within the grace.
      const remaining = Number.isFinite(envelope.deadline) ? envelope.deadline - started : 0;
      const budget = Math.max(0, remaining) + HANG_GRACE_MS;
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(
          functionFailure(
            'Timeout',
            'the plugin did not answer before its deadline; its worker was replaced',
          ),
        );
        this.end('a call on this worker hung past its deadline');
      }, budget);
      this.pending.set(id, {
        resolve,
        timer,
        envelope,
        started,
        requestId: envelope.requestId,
        credentialsRef: envelope.credentialsRef,
      });
      this.post({ t: 'invoke', id, json });
    });
  }

  /** Ends the worker; calls still waiting get `reason` as a PluginFailed answer. */
  end(reason: string): void {
    if (this.stop(reason)) void this.worker.terminate();
  }

  /**
   * Ends the worker as a stopping platform does: the thread is asked to finish by itself, so that
   * what runs at a thread's normal exit runs (`--cpu-prof` writes the plugin's profile then), and is
   * terminated if it has not within `graceMs` (a plugin's timer can keep it alive).
   */
  async close(reason: string, graceMs = CLOSE_GRACE_MS): Promise<void> {
    if (!this.stop(reason)) return;
    const exited = new Promise((resolve) => this.worker.once('exit', resolve));
    const cut = setTimeout(() => void this.worker.terminate(), graceMs);
    this.post({ t: 'close' });
    await exited;
    clearTimeout(cut);
  }

  /**
   * Ends a worker that failed by itself, logging why under the plugin's name: the calls it cut answer
   * only that it crashed, and a crash between calls answers no one.
   */
  private crashed(reason: string, error?: Error): void {
    if (this.ended) return;
    const calls = [...this.pending.values()];
    const redact = createRedactor(calls.flatMap((call) => call.secrets ?? []));
    const requestIds = calls.flatMap((call) => call.requestId ?? []);
    this.options.onLog({
      level: 'error',
      plugin: this.options.slug,
      instance: '-',
      requestId: '-',
      message: reason,
      fields: redact({
        ...(error ? { error: { name: error.name, message: error.message } } : {}),
        ...(requestIds.length > 0 ? { requestIds } : {}),
      }),
    });
    this.end(reason);
  }

  /** Marks the worker ended and answers the calls still waiting; false if it had ended already. */
  private stop(reason: string): boolean {
    if (this.ended) return false;
    this.ended = true;
    for (const { resolve, timer } of this.pending.values()) {
      clearTimeout(timer);
      resolve(functionFailure('PluginFailed', reason));
    }
    this.pending.clear();
    return true;
  }

  private readonly post = batchedSender<ToWorker>((message) => this.worker.postMessage(message));

  private onMessage(message: FromWorker): void {
    switch (message.t) {
      case 'answer': {
        const call = this.pending.get(message.id);
        if (!call) return;
        this.pending.delete(message.id);
        clearTimeout(call.timer);
        if (Buffer.byteLength(message.json) > MAX_PAYLOAD_BYTES) {
          call.resolve(
            functionFailure('PluginFailed', "the plugin's answer is larger than Lambda's 6 MB limit"),
          );
          return;
        }
        call.resolve(parseAnswer(parseJson(message.json)));
        return;
      }
      case 'call':
        void this.serveCall(message.id, message.method, message.args);
        return;
      case 'log':
        this.options.onLog(message.record);
        return;
    }
  }

  private async serveCall(id: number, method: HostMethod, args: unknown[]): Promise<void> {
    try {
      const fn = this.options.host[method] as (...a: unknown[]) => Promise<unknown>;
      const value = await fn(...args);
      if (method === 'resolveCredentials' && value) {
        // The worker asks by a call's credentialsRef, not its id: every call waiting with that ref
        // keeps the values, added to what it holds, since they may have changed between two calls.
        const secrets = Object.values(value as Record<string, string>);
        for (const call of this.pending.values()) {
          if (call.credentialsRef === args[0]) call.secrets = [...(call.secrets ?? []), ...secrets];
        }
      }
      if (!this.ended) this.post({ t: 'reply', id, ok: true, value });
    } catch (error) {
      const message = error instanceof Error ? error.message : 'the platform call failed';
      const typed = error instanceof PlugboardError ? { code: error.code, errors: error.errors } : {};
      if (!this.ended) this.post({ t: 'reply', id, ok: false, message, ...typed });
    }
  }
}

/** The answer's text; undefined (a malformed answer) when it is not JSON, which must not throw here. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
