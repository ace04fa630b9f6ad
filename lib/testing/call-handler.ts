import { type Answer, type EnvelopeKind, parseAnswer } from '../core/envelope';
import { runEnvelope } from '../core/runtime/run-envelope';
import { type CallContext, CallContextSchema, type PluginContext } from '../sdk/context';
import type { PluginDefinition } from '../sdk/define-plugin';
import { type FieldError, NotFoundError, PlugboardError, ValidationError } from '../sdk/errors';
import { actionParams, ManifestSchema } from '../sdk/manifest';
import { checkParams } from '../sdk/params';
import type { Call, NameArgument } from '../sdk/plugin-calls';
import { TEST_ORIGIN } from './test-context';
import { thrownBy } from './thrown';

/** A call's input: it may be left out when none of it is required. */
// biome-ignore lint/complexity/noBannedTypes: `{} extends P` is how a type says P requires no key
type InputArgument<P> = {} extends P ? [input?: P] : [input: P];

const CREDENTIALS_REF = 'test-credentials';
const CALL_CONTEXT_FIELDS = Object.keys(CallContextSchema.shape) as (keyof CallContext)[];

/**
 * What travels to the client: the answer as JSON, then held to what a plugin may answer, as the
 * dispatcher holds a plugin function's answer.
 */
export function overTheWire(answer: Answer): Answer {
  try {
    return parseAnswer(JSON.parse(JSON.stringify(answer)));
  } catch {
    return {
      ok: false,
      error: { code: 'PluginFailed', message: 'the plugin answered with a value that is not JSON' },
    };
  }
}

/**
 * Runs one call through the plugin runtime (runEnvelope), with the test context's credentials,
 * options, store, logger and publish standing in for the platform's services, so the handler gets
 * the runtime's context, its output is checked and redacted, and an error answers as it would.
 */
async function run(
  definition: PluginDefinition,
  ctx: PluginContext,
  kind: EnvelopeKind,
  name: string,
  input: unknown,
): Promise<unknown> {
  const manifest = ManifestSchema.parse(definition.manifest);
  const credentials = { ...ctx.credentials };
  const context = Object.fromEntries(
    CALL_CONTEXT_FIELDS.filter((field) => ctx[field] !== undefined).map((field) => [field, ctx[field]]),
  );
  let thrown: Error | undefined;
  const answer = await runEnvelope(
    definition,
    {
      v: 1,
      kind,
      plugin: manifest.slug,
      instance: ctx.instance,
      name,
      input,
      context,
      options: ctx.options,
      credentialsRef: Object.keys(credentials).length > 0 ? CREDENTIALS_REF : undefined,
      requestId: ctx.requestId,
      deadline: Date.now() + manifest.timeoutSeconds * 1000,
    },
    {
      credentials: { resolve: async () => credentials },
      // A test context's store is the runtime's already; wrapped again by the runtime, what it made
      // of a refusal (PluginFailed, CursorExpired) passes through as it is.
      store: () => ctx.store,
      // The runtime adds the instance to every detail; the context publishes what the handler gave.
      publish: async ({ 'detail-type': detailType, detail: { instance: _, ...detail } }) =>
        ctx.publish(detailType, detail),
      log: (record) => {
        thrown = thrownBy(record) ?? thrown;
        ctx.log[record.level](record.message, record.fields);
      },
      ...TEST_ORIGIN,
    },
  );
  const received = overTheWire(answer);
  if (received.ok) return received.result;
  const { code, message, retryAt, details } = received.error;
  const error = new PlugboardError(code, message, {
    retryAt: retryAt === undefined ? undefined : new Date(retryAt),
    errors: details?.errors as FieldError[] | undefined,
  });
  // The answer names only the error's type; a test runner shows the cause, with the handler's frames.
  if (code === 'PluginFailed' && thrown) error.cause = thrown;
  throw error;
}

/**
 * Calls an action as the platform would: params checked against the manifest (required ones
 * enforced, optional ones filled with their defaults), then the handler through the plugin runtime.
 */
export async function callAction<D extends PluginDefinition, N extends string>(
  definition: D,
  ctx: PluginContext,
  name: NameArgument<D, 'action', N>,
  ...[params = {}]: InputArgument<Call<D, 'action', N>['input']>
): Promise<Call<D, 'action', N>['result']> {
  const manifest = ManifestSchema.parse(definition.manifest);
  const action = manifest.actions.find((a) => a.name === name);
  if (!action) throw new NotFoundError(`${manifest.slug} has no action "${name}"`);
  const checked = checkParams(actionParams(action), params, '/params');
  if (checked.errors.length > 0)
    throw new ValidationError(`params of "${name}" are not valid`, checked.errors);
  return (await run(definition, ctx, 'action', name, checked.values)) as Call<D, 'action', N>['result'];
}

/**
 * Calls an operation as the platform would, through the plugin runtime: input parsed by its
 * contract (defaults filled in), then the handler, whose output must satisfy the contract or the
 * call fails with PluginFailed.
 */
export async function callOperation<D extends PluginDefinition, N extends string>(
  definition: D,
  ctx: PluginContext,
  name: NameArgument<D, 'operation', N>,
  ...[input = {}]: InputArgument<Call<D, 'operation', N>['input']>
): Promise<Call<D, 'operation', N>['result']> {
  return (await run(definition, ctx, 'operation', name, input)) as Call<D, 'operation', N>['result'];
}
