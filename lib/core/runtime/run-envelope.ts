import type { CallContext, PluginContext } from '../../sdk/context';
import { missingCredentials } from '../../sdk/credential-fields';
import type { PluginDefinition } from '../../sdk/define-plugin';
import { PlugboardError } from '../../sdk/errors';
import { type Manifest, ManifestSchema } from '../../sdk/manifest';
import { expandTemplate } from '../../sdk/templates';
import {
  type Answer,
  type EnvelopeError,
  type EnvelopeKind,
  EnvelopeSchema,
  needsCredentials,
} from '../envelope';
import { zodFieldErrors } from '../zod-errors';
import { CallDeadline } from './call-deadline';
import { handlerStore } from './handler-store';
import { dispatchHandler } from './handlers';
import { checkJson } from './json-check';
import { defineLazy, lendLazyFields } from './lazy-context-fields';
import { publisher } from './publish';
import { createRedactor } from './redact';
import { redactPassthroughBody } from './redact-passthrough-body';
import type { LogLevel, RuntimeServices } from './services';

const manifests = new WeakMap<PluginDefinition, Manifest>();
/** The credentials of a call to an instance that has none set. */
const NO_CREDENTIALS: Readonly<Record<string, string>> = Object.freeze({});
function manifestOf(plugin: PluginDefinition): Manifest {
  let manifest = manifests.get(plugin);
  if (!manifest) {
    manifest = ManifestSchema.parse(plugin.manifest);
    manifests.set(plugin, manifest);
  }
  return manifest;
}

const fail = (code: EnvelopeError['code'], message: string, extra: Partial<EnvelopeError> = {}): Answer => ({
  ok: false,
  error: { code, message, ...extra },
});

/**
 * What a call answers of its handler's result. JSON has no undefined, so a handler that returns
 * nothing answers null, as the HTTP API shows it (`"result": null`). An events handler's result is
 * void by its type and read by no one, so it answers null whatever it was: what one happened to
 * return (a fetch's Response) cannot fail a delivery. Any other result must reach its caller as the
 * plugin gave it, or the call fails naming what JSON would have changed.
 */
function answerable(kind: EnvelopeKind, result: unknown): unknown {
  if (kind === 'event' || result === undefined) return null;
  checkJson(result, '/result', "the plugin's result was refused");
  return result;
}

/**
 * A handler's `ctx`: the platform's fields, and the caller's context fields where the platform has
 * none of its own (the platform's win, as when the context was spread first). Added one by one
 * rather than spread into the literal, whose fields after a spread (its getters above all) V8 in
 * Node 20 adds on a slow path, several times the cost of this loop; the loop reads no field of the
 * platform's, so the signal and the store stay unmade until a handler reads them.
 */
export function withCallContext(
  fields: Omit<PluginContext, keyof CallContext>,
  callContext: CallContext,
): PluginContext {
  for (const key of Object.keys(callContext))
    if (!Object.hasOwn(fields, key))
      (fields as Record<string, unknown>)[key] = callContext[key as keyof CallContext];
  return fields as PluginContext;
}

/** How the runtime's log record of an untyped error begins; its fields are `error` (the message) and `stack`. */
export const HANDLER_THREW = 'the handler threw ';

/**
 * A typed error answers with its code and message. An untyped one's message is the plugin's
 * internals (a file path, a library's wording), so the caller gets its name and the plugin's log
 * the rest: never a stack or a path in an answer.
 */
function errorAnswer(
  error: unknown,
  redact: <T>(v: T) => T,
  logError: (message: string, fields: Record<string, unknown>) => void,
): Answer {
  if (error instanceof PlugboardError) {
    const details = error.errors ? { errors: error.errors } : error.details;
    return fail(error.code, redact(error.message), {
      retryAt: error.retryAt?.toISOString(),
      details: details ? redact(details) : undefined,
    });
  }
  const name = error instanceof Error ? error.name : typeof error;
  logError(`${HANDLER_THREW}${name}`, {
    error: error instanceof Error ? error.message : String(error),
    ...(error instanceof Error && error.stack ? { stack: error.stack } : {}),
  });
  return fail(
    'PluginFailed',
    `the plugin threw ${name.split('\n')[0]!.slice(0, 100)}; its message is in the plugin's log`,
  );
}

/**
 * The plugin runtime: turns an envelope (DESIGN.md §4) into one handler call and the outcome into an
 * answer. The Lambda and the local worker both run exactly this. Secrets resolved from the
 * credentialsRef are scrubbed from everything the call returns or logs.
 */
export async function runEnvelope(
  plugin: PluginDefinition,
  raw: unknown,
  services: RuntimeServices,
): Promise<Answer> {
  const parsed = EnvelopeSchema.safeParse(raw);
  if (!parsed.success) {
    return fail('Validation', 'the envelope is not valid', {
      details: { errors: zodFieldErrors(parsed.error, '', raw) },
    });
  }
  const envelope = parsed.data;
  const manifest = manifestOf(plugin);
  if (envelope.plugin !== manifest.slug) {
    return fail('NotFound', `this function runs plugin "${manifest.slug}", not "${envelope.plugin}"`);
  }

  let credentials: Record<string, string> = {};
  let redact = createRedactor([]);
  // Reads `redact` when called, so once credentials are resolved their values are scrubbed too.
  const log = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) =>
    services.log({
      level,
      message: redact(message),
      fields: fields === undefined ? undefined : redact(fields),
      plugin: envelope.plugin,
      instance: envelope.instance,
      requestId: envelope.requestId,
    });
  try {
    if (envelope.credentialsRef)
      credentials =
        (await services.credentials.resolve(envelope.credentialsRef, envelope.credentialsVersion)) ?? {};
    redact = createRedactor(Object.values(credentials));
    const missing = needsCredentials(envelope.kind)
      ? missingCredentials(manifest, (name) => Object.hasOwn(credentials, name) && Boolean(credentials[name]))
      : [];
    if (missing.length > 0) {
      return fail(
        'CredentialsMissing',
        `instance "${envelope.instance}" has no value for ${missing.join(', ')}`,
      );
    }
  } catch (error) {
    return errorAnswer(error, redact, log('error'));
  }

  const deadline = new CallDeadline(envelope.deadline);
  const callContext: CallContext = envelope.context;
  // The signal, the store, the logger and publish are made when a handler first reads them: most
  // calls touch none of them, and the signal's timer and the others' closures were a plugin worker's
  // time each call. Their getters are defined in place, in the order a literal would have them.
  const fields = {
    requestId: envelope.requestId,
    plugin: envelope.plugin,
    instance: envelope.instance,
    options: envelope.options,
    credentials: envelope.credentialsRef ? Object.freeze({ ...credentials }) : NO_CREDENTIALS,
  } as { -readonly [K in keyof PluginContext]?: PluginContext[K] };
  lendLazyFields(fields, {
    signal: () => deadline.signal,
    store: () =>
      handlerStore(
        services.store({ plugin: envelope.plugin, name: envelope.instance, generation: envelope.generation }),
      ),
    log: () => ({ debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }),
    publish: () =>
      publisher({
        slug: manifest.slug,
        instance: envelope.instance,
        chainDepth: envelope.chainDepth,
        redact,
        services,
      }),
  });
  defineLazy(fields, 'signal');
  fields.deadline = envelope.deadline;
  defineLazy(fields, 'store');
  defineLazy(fields, 'log');
  fields.expand = (template: string) => expandTemplate(template, callContext);
  defineLazy(fields, 'publish');
  const ctx = withCallContext(fields as Omit<PluginContext, keyof CallContext>, callContext);

  try {
    const result = answerable(
      envelope.kind,
      await deadline.race(dispatchHandler(plugin, manifest, envelope, ctx)),
    );
    return { ok: true, result: redactPassthroughBody(envelope.kind, redact(result), redact) };
  } catch (error) {
    return errorAnswer(error, redact, log('error'));
  }
}
