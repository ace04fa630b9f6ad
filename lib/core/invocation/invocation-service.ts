import type { CallContext } from '../../sdk/context';
import { operationSpec } from '../../sdk/contracts';
import { missingCredentials } from '../../sdk/credential-fields';
import type { GuardedCall } from '../../sdk/define-plugin';
import { PlugboardError, ValidationError } from '../../sdk/errors';
import type { PlatformEvent } from '../../sdk/events';
import { actionParams, type Manifest } from '../../sdk/manifest';
import { checkParams } from '../../sdk/params';
import type { DispatcherDeps } from '../dispatcher/deps';
import { type Answer, type Envelope, type EnvelopeKind, needsCredentials } from '../envelope';
import { causeOf } from '../events/event-chain';
import { InstanceService } from '../instances/instance-service';
import { mergeRecords } from '../merge-records';
import { platformEvent } from '../platform-events';
import { credentialsRef, type InstanceRecord } from '../ports';
import { zodFieldErrors } from '../zod-errors';
import { type OptionsFit, optionsFit } from './outdated-options';
import { unknownAction, unknownOperation } from './unknown-target';

/** What a call is made for: the request (or delivery) it serves, and by when that needs its answer. */
export interface CallRequest {
  requestId: string;
  context?: CallContext | undefined;
  /** The event whose delivery makes this call: its Operation event and what it publishes continue that chain. */
  cause?: PlatformEvent | undefined;
  /**
   * Epoch milliseconds by which the request must be answered (on Lambda, the dispatcher's own
   * timeout): the plugin's deadline never passes it, so a slow plugin answers Timeout in time.
   * @default the plugin's timeout alone
   */
  deadline?: number | undefined;
}

export interface Invocation extends CallRequest {
  instance: InstanceRecord;
  manifest: Manifest;
}

/**
 * One call's Invocation, written out field by field: built as `{ ...request, instance, manifest }`
 * it cost the invoke path about 40 µs of CPU a call under the bench's load (bench/compare.ts, three
 * rounds: 299 against 260 µs); why V8 makes that copy so dear was not traced.
 */
const invocationOf = (request: CallRequest, instance: InstanceRecord, manifest: Manifest): Invocation => ({
  instance,
  manifest,
  requestId: request.requestId,
  context: request.context,
  cause: request.cause,
  deadline: request.deadline,
});

/**
 * Runs before a call reaches its plugin; rejects with AuthorizerDenied or PreHookVetoed to stop it.
 * Undefined when it has nothing to ask: the call goes on without waiting a turn for it.
 */
export type CallGuard = (
  call: GuardedCall,
  instance: InstanceRecord,
  request: CallRequest,
) => Promise<void> | undefined;

/** Less than this left before a request's deadline, a call is not started: it could only time out. */
const MIN_CALL_MS = 100;
/** A timer may fire a little before the clock reads its time: a Timeout this close to the deadline is the deadline's. */
const DEADLINE_SLACK_MS = 50;

/** Turns an API call into an envelope, runs it through the Invoker and the answer back into a result. */
export class InvocationService {
  private readonly instances: InstanceService;

  constructor(
    private readonly deps: DispatcherDeps,
    private readonly guard?: CallGuard,
  ) {
    this.instances = new InstanceService(deps);
  }

  /** Finds the instance and its loaded plugin, or throws NotFound. */
  async resolve(name: string): Promise<{ instance: InstanceRecord; manifest: Manifest }> {
    const instance = await this.instances.get(name);
    const { manifest } = await this.instances.loadedPlugin(instance.plugin);
    return { instance, manifest };
  }

  async operation(name: string, operation: string, input: unknown, request: CallRequest) {
    const { instance, manifest } = await this.resolve(name);
    // Own keys only: `constructor` or `toString` would find what every object inherits.
    const fullName = Object.hasOwn(manifest.aliases, operation) ? manifest.aliases[operation]! : operation;
    const spec = operationSpec(fullName);
    const type = fullName.split('.')[0];
    if (!spec || !manifest.types.includes(type as never)) throw unknownOperation(manifest, operation);
    const parsed = spec.input.safeParse(input ?? {});
    if (!parsed.success) {
      throw new ValidationError(
        `the input of ${fullName} is not valid`,
        zodFieldErrors(parsed.error, '/input', input ?? {}),
      );
    }
    return this.run(invocationOf(request, instance, manifest), 'operation', fullName, parsed.data);
  }

  async action(name: string, action: string, params: unknown, request: CallRequest) {
    const { instance, manifest } = await this.resolve(name);
    const declared = manifest.actions.find((a) => a.name === action);
    if (!declared) throw unknownAction(manifest, action);
    const checked = checkParams(actionParams(declared), params ?? {}, '/params');
    if (checked.errors.length > 0) {
      throw new ValidationError(`the params of action "${action}" are not valid`, checked.errors);
    }
    return this.run(invocationOf(request, instance, manifest), 'action', action, checked.values);
  }

  /** Builds the envelope for any kind of call, checks credentials and guards, invokes, and reports the outcome. */
  async run(call: Invocation, kind: EnvelopeKind, name: string, input: unknown): Promise<unknown> {
    let admitted = admit(kind, call.instance, call.manifest);
    if (admitted instanceof PlugboardError) {
      const newer = await this.newerRecord(call.instance);
      const again = newer && admit(kind, newer, call.manifest);
      if (!again || again instanceof PlugboardError) throw admitted;
      call = { ...call, instance: newer };
      admitted = again;
    }
    const { instance, manifest, requestId } = call;
    const fit = admitted;
    if (this.guard && (kind === 'operation' || kind === 'action')) {
      const guarding = this.guard(
        {
          instance: instance.name,
          plugin: instance.plugin,
          kind,
          name,
          input: input as Record<string, unknown>,
        },
        instance,
        call,
      );
      if (guarding) await guarding;
    }
    const timeoutAt = Date.now() + manifest.timeoutSeconds * 1000;
    const deadline = call.deadline === undefined ? timeoutAt : Math.min(timeoutAt, call.deadline);
    if (deadline - Date.now() < MIN_CALL_MS)
      throw new PlugboardError(
        'Timeout',
        `no time was left to call instance "${instance.name}" before the request's own deadline`,
      );
    const cause = call.cause && causeOf(call.cause);
    const withCredentials = instance.credentialsSet.length > 0;
    const envelope: Envelope = {
      v: 1,
      kind,
      plugin: instance.plugin,
      instance: instance.name,
      generation: instance.generation,
      name,
      input,
      context: mergeRecords(instance.context, call.context),
      // A copy: the fit is shared by every call of the instance, and a handler may change its ctx.options.
      options: mergeRecords(fit.options),
      credentialsRef: withCredentials ? credentialsRef(this.deps.stage, instance) : undefined,
      credentialsVersion: withCredentials ? instance.version : undefined,
      requestId,
      deadline,
      chainDepth: cause?.chainDepth,
    };
    const started = performance.now();
    const answer: Answer = await this.deps.invoker.invoke(instance.plugin, envelope);
    if (kind === 'operation' || kind === 'action')
      await this.report(envelope, answer, performance.now() - started, cause);
    if (answer.ok) return answer.result;
    const { code, retryAt, details } = answer.error;
    // A call cut at the plugin's own timeout says which setting that is: the default 10 s is
    // easily outrun by a handler calling a slow upstream, and nothing else names the knob.
    const cutAtTimeout =
      code === 'Timeout' && deadline === timeoutAt && Date.now() >= deadline - DEADLINE_SLACK_MS;
    const message = cutAtTimeout
      ? `${answer.error.message}: plugin "${manifest.slug}" gives a call ${manifest.timeoutSeconds} s (timeoutSeconds in its manifest, 1 to 29)`
      : answer.error.message;
    throw new PlugboardError(code, message, {
      retryAt: retryAt ? new Date(retryAt) : undefined,
      errors: Array.isArray(details?.errors) ? details.errors : undefined,
    });
  }

  /**
   * The instance as stored now, when a write has come after the record this call read: a cached copy
   * (on AWS each dispatcher serves reads from its own cache for 5 s) may lack the credentials another
   * dispatcher has just set, or hold options it has just fixed. Read again only for a call about to be
   * refused, so a refusal is never one the stored instance no longer earns. Another generation under
   * the name is another instance, and none at all a deleted one: neither is this call's.
   */
  private async newerRecord(read: InstanceRecord): Promise<InstanceRecord | undefined> {
    const stored = await this.deps.registry.getInstance(read.name, { fresh: true });
    return stored && stored.generation === read.generation && stored.version > read.version
      ? stored
      : undefined;
  }

  /** Operation Succeeded|Failed, with what happened but never the inputs, which may hold secrets. */
  private async report(
    envelope: Envelope,
    answer: Answer,
    durationMs: number,
    cause: ReturnType<typeof causeOf> | undefined,
  ): Promise<void> {
    const detail = {
      instance: envelope.instance,
      plugin: envelope.plugin,
      kind: envelope.kind,
      operation: envelope.name,
      requestId: envelope.requestId,
      durationMs: Math.round(durationMs * 100) / 100,
      ...(answer.ok ? {} : { errorCode: answer.error.code }),
      ...cause,
    };
    await this.deps.bus.publish([
      platformEvent(this.deps.origin, answer.ok ? 'Operation Succeeded' : 'Operation Failed', detail),
    ]);
  }
}

/**
 * What a call of `kind` gets from the instance's stored options, or why the instance cannot be
 * called as read: credentials the plugin requires not set, or options its current version refuses.
 */
function admit(
  kind: EnvelopeKind,
  instance: InstanceRecord,
  manifest: Manifest,
): OptionsFit | PlugboardError {
  const missing = needsCredentials(kind)
    ? missingCredentials(manifest, (name) => instance.credentialsSet.includes(name))
    : [];
  if (missing.length > 0) {
    return new PlugboardError(
      'CredentialsMissing',
      `instance "${instance.name}" needs credentials ${missing.join(', ')}: set them with \`plugboard credentials set ${instance.name} ${missing.map((name) => `--value ${name}=<value>`).join(' ')}\` or PUT /v1/instances/${instance.name}/credentials`,
    );
  }
  const fit = optionsFit(manifest, instance.options);
  if (fit.refusing.length > 0) {
    return new PlugboardError(
      'OptionsOutdated',
      `instance "${instance.name}" has options that do not fit plugin "${manifest.slug}" ${manifest.version} (${fit.refusing.map((e) => e.pointer).join(', ')}): PATCH /v1/instances/${instance.name} to fix them`,
      { errors: [...fit.refusing] },
    );
  }
  return fit;
}
