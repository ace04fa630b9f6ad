import { randomUUID } from 'node:crypto';
import type { Answer, EnvelopeKind } from '../../core/envelope';
import { effectiveOptions } from '../../core/invocation/invocation-service';
import { runEnvelope } from '../../core/runtime/run-envelope';
import type { LogRecord } from '../../core/runtime/services';
import type { PluginDefinition } from '../../sdk/define-plugin';
import type { PlatformEvent } from '../../sdk/events';
import type { Manifest } from '../../sdk/manifest';
import { checkParams } from '../../sdk/params';
import { MemoryStore } from '../memory-store';
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
  readonly #store = new MemoryStore();
  readonly #options: Record<string, unknown>;

  constructor(
    readonly plugin: PluginDefinition,
    readonly manifest: Manifest,
    readonly fixtures: ConformanceFixtures,
    /** Credential values the runtime resolves for this instance; none means no credentialsRef. */
    readonly credentials: Record<string, string> = {},
  ) {
    const checked = checkParams(manifest.options, fixtures.options ?? {}, '/options');
    this.#options = effectiveOptions(manifest, checked.values);
  }

  /** Sends one envelope, as the dispatcher would after validating the call. */
  async call(kind: EnvelopeKind, name: string, input: unknown): Promise<Answer> {
    const answer = await runEnvelope(
      this.plugin,
      {
        v: 1,
        kind,
        plugin: this.manifest.slug,
        instance: 'conformance',
        name,
        input,
        context: this.fixtures.context ?? {},
        options: this.#options,
        credentialsRef: Object.keys(this.credentials).length > 0 ? CREDENTIALS_REF : undefined,
        requestId: randomUUID(),
        deadline: Date.now() + this.manifest.timeoutSeconds * 1000,
      },
      {
        credentials: {
          resolve: async (ref) => (ref === CREDENTIALS_REF ? { ...this.credentials } : undefined),
        },
        store: () => this.#store,
        publish: async (event) => {
          this.published.push(event);
        },
        log: (record) => {
          this.logs.push(record);
        },
        account: '000000000000',
        region: 'local',
      },
    );
    this.answers.push(answer);
    return answer;
  }

  /** Calls an operation and returns its result, or throws with the error the plugin answered. */
  async operation<T = unknown>(name: string, input: Record<string, unknown> = {}): Promise<T> {
    return resultOf<T>(await this.call('operation', name, input), name);
  }
}

export class AnswerError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function resultOf<T>(answer: Answer, name: string): T {
  if (answer.ok) return answer.result as T;
  throw new AnswerError(answer.error.code, `${name} answered ${answer.error.code}: ${answer.error.message}`);
}
