import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import {
  type Answer,
  type Envelope,
  MAX_PAYLOAD_BYTES,
  parseAnswer,
  serializeEnvelope,
} from '../../core/envelope';
import type { Invoker } from '../../core/ports';
import type { LogRecord } from '../../core/runtime/services';
import { functionFailure } from '../function-failure';
import { HANG_GRACE_MS } from '../worker/plugin-worker';
import type { ProcessPluginSpec } from './process-plugins';

export interface ProcessInvokerOptions {
  /** Each line the process writes to stderr, as a warn-level plugin log. */
  readonly onLog: (record: LogRecord) => void;
}

interface Pending {
  resolve(answer: Answer): void;
  timer: NodeJS.Timeout;
}

/**
 * One running plugin process. The protocol is the envelope as JSON lines: one envelope per line on
 * stdin, one answer per line on stdout, in the order the envelopes came. Anything off protocol, a
 * crash or a call past its deadline ends the process; the calls still waiting get an answer.
 */
class PluginProcess {
  private readonly child: ChildProcess;
  private readonly queue: Pending[] = [];
  private ended = false;

  constructor(spec: ProcessPluginSpec, onLog: ProcessInvokerOptions['onLog']) {
    const [program, ...args] = spec.command as [string, ...string[]];
    this.child = spawn(program, args, { cwd: spec.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.on('error', () => this.end("the plugin's process could not be started"));
    this.child.on('exit', (code, signal) =>
      this.end(`the plugin's process exited (${signal ?? `code ${code}`})`),
    );
    this.child.stdin?.on('error', () => this.end("the plugin's process stopped reading"));
    createInterface({ input: this.child.stdout!, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) =>
      this.onAnswer(line),
    );
    createInterface({ input: this.child.stderr! }).on('line', (message) =>
      onLog({ level: 'warn', message, plugin: spec.slug, instance: '', requestId: '' }),
    );
  }

  get dead(): boolean {
    return this.ended;
  }

  invoke(envelope: Envelope): Promise<Answer> {
    if (this.ended)
      return Promise.resolve(functionFailure('PluginFailed', "the plugin's process is not running"));
    const json = serializeEnvelope(envelope);
    return new Promise<Answer>((resolve) => {
      const remaining = Number.isFinite(envelope.deadline) ? envelope.deadline - Date.now() : 0;
      const timer = setTimeout(() => {
        this.drop(pending);
        resolve(
          functionFailure(
            'Timeout',
            'the plugin did not answer before its deadline; its process was replaced',
          ),
        );
        this.end('a call on this process hung past its deadline');
      }, Math.max(0, remaining) + HANG_GRACE_MS);
      const pending: Pending = { resolve, timer };
      this.queue.push(pending);
      this.child.stdin?.write(`${json}\n`);
    });
  }

  /** Ends the process; calls still waiting get `reason` as a PluginFailed answer. */
  end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    for (const { resolve, timer } of this.queue.splice(0)) {
      clearTimeout(timer);
      resolve(functionFailure('PluginFailed', reason));
    }
    this.child.kill('SIGKILL');
  }

  private drop(pending: Pending): void {
    const at = this.queue.indexOf(pending);
    if (at >= 0) this.queue.splice(at, 1);
  }

  private onAnswer(line: string): void {
    const pending = this.queue.shift();
    if (!pending) {
      this.end('the plugin wrote an answer nobody asked for');
      return;
    }
    clearTimeout(pending.timer);
    if (Buffer.byteLength(line) > MAX_PAYLOAD_BYTES) {
      pending.resolve(
        functionFailure('PluginFailed', "the plugin's answer is larger than Lambda's 6 MB limit"),
      );
      return;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      pending.resolve(functionFailure('PluginFailed', 'the plugin wrote a line that is not JSON to stdout'));
      this.end('the plugin broke the JSON-lines protocol');
      return;
    }
    pending.resolve(parseAnswer(raw));
  }
}

/**
 * The Invoker for plugins written in any language (DESIGN.md §4): each runs as a long-lived process
 * speaking the envelope as JSON lines. A process is started on the plugin's first call and again on
 * the first call after it died, like a worker thread or a cold Lambda.
 */
export class ProcessInvoker implements Invoker {
  private readonly specs = new Map<string, ProcessPluginSpec>();
  private readonly processes = new Map<string, PluginProcess>();

  constructor(private readonly options: ProcessInvokerOptions) {}

  /** Serves a plugin from now on; a process of a previous spec ends. */
  register(spec: ProcessPluginSpec): void {
    this.specs.set(spec.slug, spec);
    this.processes.get(spec.slug)?.end('the plugin was registered again');
    this.processes.delete(spec.slug);
  }

  has(slug: string): boolean {
    return this.specs.has(slug);
  }

  async invoke(plugin: string, envelope: Envelope): Promise<Answer> {
    const spec = this.specs.get(plugin);
    if (!spec)
      return { ok: false, error: { code: 'NotFound', message: `no process runs plugin "${plugin}"` } };
    let running = this.processes.get(plugin);
    if (!running || running.dead) {
      running = new PluginProcess(spec, this.options.onLog);
      this.processes.set(plugin, running);
    }
    return running.invoke(envelope);
  }

  async close(): Promise<void> {
    for (const running of this.processes.values()) running.end('the platform is shutting down');
    this.processes.clear();
  }
}
