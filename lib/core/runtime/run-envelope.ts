import { randomUUID } from 'node:crypto';
import type { CallContext, PluginContext, PluginStore } from '../../sdk/context';
import { missingCredentials } from '../../sdk/credential-fields';
import type { PluginDefinition } from '../../sdk/define-plugin';
import { CursorExpiredError, PlugboardError } from '../../sdk/errors';
import { pluginSource } from '../../sdk/events';
import { type Manifest, ManifestSchema } from '../../sdk/manifest';
import { expandTemplate } from '../../sdk/templates';
import {
  type Answer,
  type EnvelopeError,
  type EnvelopeKind,
  EnvelopeSchema,
  needsCredentials,
  type SerializedResponse,
} from '../envelope';
import { INVALID_CURSOR_POINTER } from '../page-cursor-text';
import { zodFieldErrors } from '../zod-errors';
import { CallDeadline } from './call-deadline';
import { dispatchHandler } from './handlers';
import { checkJson } from './json-check';
import { createRedactor } from './redact';
import type { LogLevel, RuntimeServices } from './services';

const manifests = new WeakMap<PluginDefinition, Manifest>();
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
 * What the platform refuses of a plugin's own call (a value the store cannot keep, an event the bus
 * cannot take) is the plugin failing, not its caller's bad request: PluginFailed, on every runtime
 * (the store and the bus answer Validation, which reached the caller as a 400 on AWS). A list
 * cursor the store did not make is the contracts' CursorExpired, which the plugin may pass on.
 */
async function platformCall<T>(call: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof PlugboardError)) throw error;
    if (error.code === 'Validation' && error.errors?.some((e) => e.pointer === INVALID_CURSOR_POINTER))
      throw new CursorExpiredError(`${call}: ${error.message}`);
    if (error.code === 'Validation' || error.code === 'PayloadTooLarge')
      throw new PlugboardError('PluginFailed', `${call} was refused: ${error.message}`);
    throw error;
  }
}

/**
 * A published detail as JSON holds it, as EventBridge takes it (a Date as its ISO string, undefined
 * left out) on every runtime: locally a Date was refused, on AWS sent as a string, and with
 * credentials set the redaction's walk had turned it into a string already. What JSON would lose
 * (a Map, a Set, a BigInt) is refused as the store's and the bus's refusals are.
 */
export function asJson(detail: Record<string, unknown>): Record<string, unknown> {
  checkJson(detail, '/detail', 'ctx.publish was refused');
  return JSON.parse(JSON.stringify(detail));
}

/**
 * The detail a plugin publishes, as JSON holds it, with the instance (and the chain's depth) the
 * platform adds. Set on asJson's fresh copy, not spread into a new object: V8 makes adding to a
 * spread's object cost over a microsecond (bench/README.md, "Where the time goes").
 */
function publishedDetail(
  given: Record<string, unknown>,
  instance: string,
  chainDepth: number | undefined,
): Record<string, unknown> {
  const detail = asJson(given);
  detail.instance = instance;
  if (chainDepth) detail.chainDepth = chainDepth;
  return detail;
}

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

const refusalsAsFailures = (store: PluginStore): PluginStore => ({
  get: (key) => platformCall('ctx.store.get', () => store.get(key)),
  put: (key, value) => platformCall('ctx.store.put', () => store.put(key, value)),
  delete: (key) => platformCall('ctx.store.delete', () => store.delete(key)),
  list: (options) => platformCall('ctx.store.list', () => store.list(options)),
});

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
  logError(`the handler threw ${name}`, {
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
      credentials = (await services.credentials.resolve(envelope.credentialsRef)) ?? {};
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
  let store: PluginStore | undefined;
  const ctx = withCallContext(
    {
      requestId: envelope.requestId,
      plugin: envelope.plugin,
      instance: envelope.instance,
      options: envelope.options,
      credentials: Object.freeze({ ...credentials }),
      log: { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      get signal() {
        return deadline.signal;
      },
      deadline: envelope.deadline,
      // Made when a handler first reads it, as the signal is: most calls never touch the store.
      get store() {
        store ??= refusalsAsFailures(services.store(envelope.plugin, envelope.instance));
        return store;
      },
      expand: (template) => expandTemplate(template, callContext),
      publish: async (detailType, detail) => {
        await platformCall('ctx.publish', () =>
          services.publish({
            version: '0',
            id: randomUUID(),
            'detail-type': detailType,
            source: pluginSource(manifest.slug),
            account: services.account,
            time: new Date().toISOString(),
            region: services.region,
            resources: [],
            detail: redact(publishedDetail(detail, envelope.instance, envelope.chainDepth)),
          }),
        );
      },
    },
    callContext,
  );

  try {
    const result = answerable(
      envelope.kind,
      await deadline.race(dispatchHandler(plugin, manifest, envelope, ctx)),
    );
    if (envelope.kind === 'http') {
      // The passthrough's body travels as base64, where the text walk cannot see a secret.
      const response = result as SerializedResponse;
      response.body = redact.bytes(Buffer.from(response.body, 'base64')).toString('base64');
    }
    return { ok: true, result: redact(result) };
  } catch (error) {
    return errorAnswer(error, redact, log('error'));
  }
}
