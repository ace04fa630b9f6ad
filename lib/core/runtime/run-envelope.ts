import { randomUUID } from 'node:crypto';
import type { CallContext, PluginContext } from '../../sdk/context';
import { missingCredentials } from '../../sdk/credential-fields';
import type { PluginDefinition } from '../../sdk/define-plugin';
import { PlugboardError } from '../../sdk/errors';
import { pluginSource } from '../../sdk/events';
import { type Manifest, ManifestSchema } from '../../sdk/manifest';
import { expandTemplate } from '../../sdk/templates';
import { type Answer, type EnvelopeError, EnvelopeSchema, type SerializedResponse } from '../envelope';
import { zodFieldErrors } from '../zod-errors';
import { CallDeadline } from './call-deadline';
import { dispatchHandler } from './handlers';
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
    const missing = missingCredentials(manifest, (name) => Boolean(credentials[name]));
    const needsCredentials =
      envelope.kind === 'operation' || envelope.kind === 'action' || envelope.kind === 'http';
    if (missing.length > 0 && needsCredentials) {
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
  const ctx: PluginContext = {
    ...callContext,
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
    store: services.store(envelope.plugin, envelope.instance),
    expand: (template) => expandTemplate(template, callContext),
    publish: async (detailType, detail) => {
      await services.publish({
        version: '0',
        id: randomUUID(),
        'detail-type': detailType,
        source: pluginSource(manifest.slug),
        account: services.account,
        time: new Date().toISOString(),
        region: services.region,
        resources: [],
        detail: redact({
          ...detail,
          instance: envelope.instance,
          ...(envelope.chainDepth ? { chainDepth: envelope.chainDepth } : {}),
        }),
      });
    },
  };

  try {
    const result = await deadline.race(dispatchHandler(plugin, manifest, envelope, ctx));
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
