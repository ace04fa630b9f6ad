import { type ChildProcess, spawn } from 'node:child_process';
import {
  type Answer,
  type Envelope,
  type EnvelopeKind,
  EnvelopeSchema,
  MAX_PAYLOAD_BYTES,
  parseAnswer,
  serializeEnvelope,
} from '../../core/envelope';
import type { Invoker } from '../../core/ports';
import { createRedactor, type Redactor } from '../../core/runtime/redact';
import { redactPassthroughBody } from '../../core/runtime/redact-passthrough-body';
import type { LogRecord } from '../../core/runtime/services';
import { PlugboardError } from '../../sdk/errors';
import { functionFailure } from '../function-failure';
import { HANG_GRACE_MS } from '../worker/plugin-worker';
import type { HostMethods } from '../worker/protocol';
import { readBoundedLines } from './bounded-lines';
import { type CallHost, CallLineSchema, type CallScope, isCallLine, serveHostCall } from './host-calls';
import type { ProcessPluginSpec } from './process-plugins';

export interface ProcessInvokerOptions {
  /** Each line the process writes to stderr, as a warn-level plugin log. */
  readonly onLog: (record: LogRecord) => void;
  /** The platform side of a process's calls, made for one plugin so it cannot reach another's data. */
  readonly hostFor: (slug: string) => HostMethods;
  /** Stamped on the events a process publishes. */
  readonly account?: string;
  readonly region?: string;
}

/**
 * How long a line a process writes may be. An answer or a call over Lambda's 6 MB is still read
 * whole and refused as too large, its process serving on; past this the platform stops holding it
 * and ends the process, as it does for any other break of the protocol.
 */
export const MAX_LINE_BYTES = 2 * MAX_PAYLOAD_BYTES;

interface Pending {
  resolve(answer: Answer): void;
  timer: NodeJS.Timeout;
  kind: EnvelopeKind;
  /**
   * What the calls the process makes while this envelope is handled may reach, and the credentials
   * scrubbed from its answer, logs and events; undefined for a payload that is not an envelope of
   * this plugin (the Lambda endpoint passes any JSON), whose calls are refused.
   */
  scope: CallScope | undefined;
}

/**
 * One running plugin process. The protocol is the envelope as JSON lines: one envelope per line on
 * stdin, one answer per line on stdout, in the order the envelopes came. Between them the process
 * may call the platform (host-calls.ts); a call belongs to the envelope whose answer is due next.
 * Anything off protocol, a crash or a call past its deadline ends the process; the calls still
 * waiting get an answer.
 */
class PluginProcess {
  private readonly child: ChildProcess;
  private readonly queue: Pending[] = [];
  private ended = false;
  /** Why it ends once the calls under way have their answers; set when it takes no more calls. */
  private retiring: string | undefined;
  private markFinished = () => {};
  /** Resolves when the process has ended. */
  readonly finished = new Promise<void>((resolve) => {
    this.markFinished = resolve;
  });
  /** Log lines wait for the credentials they are scrubbed of, and keep their order. */
  private logged = Promise.resolve();
  /**
   * The latest credentials resolved for each instance this process served, scrubbed from all it
   * writes while it runs; they go when it ends. Not only its calls' under way, as a worker's are:
   * stderr and stdout are two pipes, read in no fixed order, so a line logged during a call can be
   * read after its answer, and a process can keep a value past its call.
   */
  private readonly secrets = new Map<string, readonly string[]>();
  private redactor: Redactor = createRedactor([]);

  constructor(
    private readonly spec: ProcessPluginSpec,
    private readonly host: CallHost,
    onLog: ProcessInvokerOptions['onLog'],
  ) {
    const [program, ...args] = spec.command as [string, ...string[]];
    this.child = spawn(program, args, { cwd: spec.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.on('error', () => this.end("the plugin's process could not be started"));
    this.child.on('exit', (code, signal) =>
      this.end(`the plugin's process exited (${signal ?? `code ${code}`})`),
    );
    this.child.stdin?.on('error', () => this.end("the plugin's process stopped reading"));
    readBoundedLines(
      this.child.stdout!,
      MAX_LINE_BYTES,
      (line, bytes) => this.onLine(line, bytes),
      () => this.end(`the plugin wrote a line over ${MAX_LINE_BYTES} bytes to stdout`),
    );
    readBoundedLines(
      this.child.stderr!,
      MAX_LINE_BYTES,
      (message) => this.log(onLog, message),
      () => this.log(onLog, `(a line over ${MAX_LINE_BYTES} bytes was left out)`),
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
      const pending: Pending = {
        resolve,
        timer,
        kind: envelope.kind,
        scope: this.scopeOf(envelope),
      };
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
    this.markFinished();
  }

  /**
   * Ends the process once the calls under way have their answers (each still bound by its
   * deadline), for one that is no longer given calls.
   */
  retire(reason: string): void {
    this.retiring = reason;
    if (this.queue.length === 0) this.end(reason);
  }

  /**
   * The envelope's scope, its credentials resolved at once as the TypeScript runtime resolves them
   * for every call, so that its answer, logs and events are scrubbed of them even when the process
   * kept a value from an earlier call rather than asking.
   */
  private scopeOf(envelope: Envelope): CallScope | undefined {
    const parsed = EnvelopeSchema.safeParse(envelope);
    if (!parsed.success || parsed.data.plugin !== this.spec.slug) return undefined;
    const { instance, generation, chainDepth, credentialsRef } = parsed.data;
    const credentials = credentialsRef
      ? this.host.methods.resolveCredentials(credentialsRef).then((values) => {
          this.secrets.set(credentialsRef, Object.values(values ?? {}));
          this.redactor = createRedactor([...this.secrets.values()].flat());
          return values ?? {};
        })
      : Promise.resolve({});
    // Whether anything waits on them or not: the process may end before it asks or answers.
    credentials.catch(() => undefined);
    // Read when the call publishes: by then a refused resolution has failed the credentials call.
    const redact = () =>
      credentials.then(
        () => this.redactor,
        () => this.redactor,
      );
    return { instance, generation, chainDepth, credentials, redact };
  }

  private drop(pending: Pending): void {
    const at = this.queue.indexOf(pending);
    if (at >= 0) this.queue.splice(at, 1);
  }

  private log(onLog: ProcessInvokerOptions['onLog'], message: string): void {
    const resolving = this.queue.map((pending) => pending.scope?.redact());
    this.logged = this.logged.then(async () => {
      await Promise.all(resolving);
      // No instance or request: a line read while one envelope is handled may have been written
      // while the one before it was.
      onLog({
        level: 'warn',
        message: this.redactor(message),
        plugin: this.spec.slug,
        instance: '',
        requestId: '',
      });
    });
  }

  private onLine(line: string, bytes: number): void {
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      this.end('the plugin wrote a line that is not JSON to stdout');
      return;
    }
    if (isCallLine(raw)) this.onCall(raw, bytes);
    else this.onAnswer(raw, bytes);
  }

  private onCall(raw: unknown, bytes: number): void {
    const parsed = CallLineSchema.safeParse(raw);
    if (!parsed.success) {
      this.end('the plugin wrote a call line that is not valid');
      return;
    }
    const head = this.queue[0];
    if (!head) {
      this.end('the plugin called the platform while it had no envelope to handle');
      return;
    }
    const { call } = parsed.data;
    const reply = serveHostCall(call, head.scope, this.host, bytes);
    void reply.then((sent) => {
      if (!this.ended) this.child.stdin?.write(`${JSON.stringify({ reply: sent })}\n`);
    });
  }

  private onAnswer(raw: unknown, bytes: number): void {
    const pending = this.queue.shift();
    if (!pending) {
      this.end('the plugin wrote an answer nobody asked for');
      return;
    }
    clearTimeout(pending.timer);
    if (this.retiring !== undefined && this.queue.length === 0) this.end(this.retiring);
    if (bytes > MAX_PAYLOAD_BYTES) {
      pending.resolve(
        functionFailure('PluginFailed', "the plugin's answer is larger than Lambda's 6 MB limit"),
      );
      return;
    }
    void this.answered(pending, raw).then(pending.resolve);
  }

  /**
   * The answer scrubbed of credentials (before it is cut to what a caller may see, which could leave
   * half a secret); when the call's could not be read, it fails as a TypeScript plugin's call does.
   */
  private async answered({ kind, scope }: Pending, raw: unknown): Promise<Answer> {
    try {
      await scope?.credentials;
    } catch (error) {
      const { code, message } =
        error instanceof PlugboardError
          ? error
          : { code: 'PluginFailed', message: "the instance's credentials could not be read" };
      return parseAnswer({ ok: false, error: { code, message } });
    }
    const answer = parseAnswer(this.redactor(raw));
    return answer.ok
      ? { ok: true, result: redactPassthroughBody(kind, answer.result, this.redactor) }
      : answer;
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
  /** Processes no longer given calls, finishing those under way. */
  private readonly retired = new Set<PluginProcess>();

  constructor(private readonly options: ProcessInvokerOptions) {}

  /**
   * Serves a plugin from now on: the next call starts a process of this spec, and a process of the
   * previous one ends once the calls under way on it have their answers.
   */
  register(spec: ProcessPluginSpec): void {
    this.specs.set(spec.slug, spec);
    this.retire(spec.slug, 'the plugin was registered again');
  }

  /** Serves the plugin no more; its process ends once the calls under way have their answers. */
  unregister(slug: string): void {
    this.specs.delete(slug);
    this.retire(slug, 'the plugin was unregistered');
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
      running = new PluginProcess(
        spec,
        {
          slug: plugin,
          methods: this.options.hostFor(plugin),
          account: this.options.account ?? '000000000000',
          region: this.options.region ?? 'local',
        },
        this.options.onLog,
      );
      this.processes.set(plugin, running);
    }
    return running.invoke(envelope);
  }

  async close(): Promise<void> {
    for (const running of [...this.processes.values(), ...this.retired])
      running.end('the platform is shutting down');
    this.processes.clear();
  }

  private retire(slug: string, reason: string): void {
    const running = this.processes.get(slug);
    if (!running) return;
    this.processes.delete(slug);
    this.retired.add(running);
    void running.finished.then(() => this.retired.delete(running));
    running.retire(reason);
  }
}
