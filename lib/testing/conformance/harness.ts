import { randomUUID } from 'node:crypto';
import type { Answer, EnvelopeKind } from '../../core/envelope';
import { checkEvent } from '../../core/events/event-schema';
import { optionsFit } from '../../core/invocation/outdated-options';
import { mergeRecords } from '../../core/merge-records';
import { runEnvelope } from '../../core/runtime/run-envelope';
import type { LogRecord } from '../../core/runtime/services';
import type { PluginDefinition } from '../../sdk/define-plugin';
import type { PlatformEvent } from '../../sdk/events';
import type { Manifest } from '../../sdk/manifest';
import { overTheWire } from '../call-handler';
import { MemoryStore } from '../memory-store';
import { TEST_ORIGIN } from '../test-context';
import { thrownBy } from '../thrown';
import { show } from './check';
import type { ConformanceFixtures } from './types';

const CREDENTIALS_REF = 'conformance';

/**
 * One plugin instance run through the real plugin runtime (`runEnvelope`) with in-memory services.
 * Every answer, log record and published event is kept, so the secrets check can scan them all.
 */
export class ConformanceHarness {
  readonly answers: Answer[] = [];
  readonly logs: LogRecord[] = [];
  readonly published: PlatformEvent[] = [];
  readonly instance = 'conformance';
  readonly #store: MemoryStore;
  readonly #options: Record<string, unknown>;
  /** What the handler threw, by the answer that said only "its message is in the plugin's log". */
  readonly #thrown = new WeakMap<Answer, string>();

  constructor(
    readonly plugin: PluginDefinition,
    readonly manifest: Manifest,
    readonly fixtures: ConformanceFixtures,
    /** Credential values the runtime resolves for this instance; none means no credentialsRef. */
    readonly credentials: Record<string, string> = {},
  ) {
    // What a call of an instance with these options hands over, by the platform's own reading; a
    // copy, as the platform makes, since the fit is shared by every harness of these fixtures.
    this.#options = mergeRecords(optionsFit(manifest, fixtures.options ?? {}).options);
    this.#store = new MemoryStore({ plugin: manifest.slug, instance: this.instance });
  }

  /** Sends one envelope, as the dispatcher would after validating the call, and takes the answer as it would. */
  async call(kind: EnvelopeKind, name: string, input: unknown): Promise<Answer> {
    const requestId = randomUUID();
    const answer = overTheWire(
      await runEnvelope(
        this.plugin,
        {
          v: 1,
          kind,
          plugin: this.manifest.slug,
          instance: this.instance,
          name,
          input,
          context: this.fixtures.context ?? {},
          options: this.#options,
          credentialsRef: Object.keys(this.credentials).length > 0 ? CREDENTIALS_REF : undefined,
          requestId,
          deadline: Date.now() + this.manifest.timeoutSeconds * 1000,
        },
        {
          credentials: {
            resolve: async (ref) => (ref === CREDENTIALS_REF ? { ...this.credentials } : undefined),
          },
          store: () => this.#store,
          // As the platform's bus does, an event that EventBridge would not take is refused.
          publish: async (event) => {
            this.published.push(checkEvent(event));
          },
          log: (record) => {
            this.logs.push(record);
          },
          ...TEST_ORIGIN,
        },
      ),
    );
    this.answers.push(answer);
    const threw =
      !answer.ok && answer.error.code === 'PluginFailed' ? thrownText(this.logs, requestId) : undefined;
    if (threw !== undefined) this.#thrown.set(answer, threw);
    return answer;
  }

  /** Makes a call and returns its result, or throws with the error the plugin answered. */
  async result<T = unknown>(kind: EnvelopeKind, name: string, input: unknown, label = name): Promise<T> {
    return this.#resultOf<T>(await this.call(kind, name, input), label);
  }

  /** Calls an operation and returns its result, or throws with the error the plugin answered. */
  async operation<T = unknown>(name: string, input: Record<string, unknown> = {}): Promise<T> {
    return this.result<T>('operation', name, input);
  }

  /** Calls an operation that may rightly answer NotFound (an id the plugin was never given): undefined then. */
  async lookup<T = unknown>(name: string, input: Record<string, unknown>): Promise<T | undefined> {
    const answer = await this.call('operation', name, input);
    return !answer.ok && answer.error.code === 'NotFound' ? undefined : this.#resultOf<T>(answer, name);
  }

  // A check's report has no plugin log beside it, so a handler's throw is told with its failure.
  #resultOf<T>(answer: Answer, name: string): T {
    if (answer.ok) return answer.result as T;
    const threw = this.#thrown.get(answer);
    throw new AnswerError(
      answer.error.code,
      `${name} answered ${answer.error.code}: ${answer.error.message}${threw ? `: ${threw}` : ''}`,
    );
  }
}

/** What a handler threw, from the runtime's log record of it: the message's first line and the frame that threw it. */
function thrownText(logs: readonly LogRecord[], requestId: string): string | undefined {
  const thrown = logs
    .filter((r) => r.requestId === requestId)
    .map(thrownBy)
    .findLast((e) => e !== undefined);
  if (!thrown) return undefined;
  const frame = thrown.stack?.split('\n').find((line) => /^\s+at /.test(line));
  return `${show(thrown.message.split('\n')[0])}${frame ? ` ${frame.trim()}` : ''}`;
}

export class AnswerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
