import * as z from 'zod';
import { CallContextSchema } from '../sdk/context';
import { ERROR_TABLE, type ErrorCode, isErrorCode, PlugboardError } from '../sdk/errors';
import { checkJson } from './runtime/json-check';

/**
 * The invocation envelope (DESIGN.md §4): JSON, versioned and language-neutral, so a plugin
 * function in another language can implement it.
 */
export const ENVELOPE_KINDS = [
  'operation',
  'action',
  'http',
  'event',
  'lifecycle',
  'webhook',
  'authorizer',
  'preHook',
] as const;
export type EnvelopeKind = (typeof ENVELOPE_KINDS)[number];

/**
 * The calls that need an instance's required credentials, whose handlers are typed with them: a
 * caller's, and webhook actions, which a rule runs only for an instance with them (webhook-target.ts
 * skips the others, recording each as skipped) and the runtime refuses to run without them.
 * Lifecycle hooks, event deliveries and guards run without them (an instance is created before its
 * credentials are set, and deleted with them), and a hook that needs one says so itself.
 */
export const needsCredentials = (kind: EnvelopeKind): boolean =>
  kind === 'operation' || kind === 'action' || kind === 'http' || kind === 'webhook';

export const EnvelopeSchema = z.object({
  v: z.literal(1),
  kind: z.enum(ENVELOPE_KINDS),
  plugin: z.string(),
  instance: z.string(),
  /**
   * Which instance of the name the call is for (InstanceRecord.generation): the runtime gives the
   * handler that instance's store, even once the name belongs to a later one. Absent for an instance
   * created before generations, whose store is keyed by its name alone.
   */
  generation: z.string().optional(),
  name: z.string(),
  input: z.unknown(),
  context: CallContextSchema.default({}),
  options: z.record(z.string(), z.unknown()).default({}),
  /** Where the runtime finds this instance's credentials; absent when none are set. */
  credentialsRef: z.string().optional(),
  /** The instance's version the call was made for, beside a credentialsRef (CredentialResolver.resolve). */
  credentialsVersion: z.number().int().optional(),
  requestId: z.string(),
  /** Epoch milliseconds. */
  deadline: z.number(),
  /**
   * Set on a call an event's delivery makes: how many deliveries led to it. The runtime stamps it on
   * the events the call publishes, so a chain of deliveries that loops is stopped (event-chain.ts).
   */
  chainDepth: z.number().int().min(1).optional(),
});
export type Envelope = z.input<typeof EnvelopeSchema>;

export interface EnvelopeError {
  code: ErrorCode;
  message: string;
  retryAt?: string | undefined;
  details?: Record<string, unknown> | undefined;
}
export type Answer = { ok: true; result: unknown } | { ok: false; error: EnvelopeError };

const AnsweredError = z.object({
  code: z.string(),
  message: z.string(),
  retryAt: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
const AnswerSchema = z.union([
  // `{ "ok": true }` (a plugin in another language) answers nothing: null, as the runtime answers a
  // handler that returns undefined and the API shows it.
  z.object({ ok: z.literal(true), result: z.unknown().optional() }),
  z.object({ ok: z.literal(false), error: AnsweredError }),
]);

/**
 * The codes a plugin may answer with: the SDK's typed errors and its own failure. Any other would
 * say something about the caller's request that the plugin cannot know (a 401 reads as the caller's
 * token refused, a 412 as a stale ETag), so it is the plugin failing.
 */
export const PLUGIN_ERROR_CODES = [
  'Validation',
  'NotFound',
  'CredentialsMissing',
  'CursorExpired',
  'PayloadTooLarge',
  'RateLimited',
  'PluginFailed',
  'AuthenticationFailed',
  'Unavailable',
  'Timeout',
] as const satisfies readonly ErrorCode[];
const pluginCodes: ReadonlySet<string> = new Set(PLUGIN_ERROR_CODES);

/** How much of a plugin's error message reaches the caller: its first line, this long at most. */
const MAX_MESSAGE_CHARS = 1000;
const MAX_FIELD_ERRORS = 100;
/** When a plugin says it is rate limited but not until when, its caller is told to wait this long. */
const DEFAULT_RETRY_MS = 1000;

const firstLine = (text: string): string => {
  const line = text.split(/\r?\n/, 1)[0]!.trim();
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS - 1)}…` : line;
};

const FieldErrorSchema = z.object({ pointer: z.string().max(1000), detail: z.string() });

/**
 * What the caller may see of a plugin's error: a code a plugin may use, one line of message (a
 * stack trace, in any language, starts on the second), a retryAt that is a time, and field errors
 * that are field errors. The plugin is the platform's to trust least: its answer is checked like a
 * request.
 */
function pluginError(error: z.infer<typeof AnsweredError>): EnvelopeError {
  if (!pluginCodes.has(error.code)) {
    const named = isErrorCode(error.code) ? ` ${error.code}` : ' code';
    return {
      code: 'PluginFailed',
      message: `the plugin answered with an error${named} that plugins cannot use`,
    };
  }
  const code = error.code as ErrorCode;
  const retryTime = error.retryAt === undefined ? Number.NaN : Date.parse(error.retryAt);
  const retryAt = Number.isNaN(retryTime)
    ? code === 'RateLimited'
      ? new Date(Date.now() + DEFAULT_RETRY_MS).toISOString()
      : undefined
    : new Date(retryTime).toISOString();
  const listed = error.details?.errors;
  const errors = Array.isArray(listed)
    ? listed
        .filter((e) => FieldErrorSchema.safeParse(e).success)
        .slice(0, MAX_FIELD_ERRORS)
        .map((e: z.infer<typeof FieldErrorSchema>) => ({ pointer: e.pointer, detail: firstLine(e.detail) }))
    : [];
  return {
    code,
    message: firstLine(error.message) || ERROR_TABLE[code].title,
    ...(retryAt ? { retryAt } : {}),
    ...(errors.length > 0 ? { details: { errors } } : {}),
  };
}

/** Parses what a plugin function answered; anything malformed becomes a PluginFailed answer. */
export function parseAnswer(raw: unknown): Answer {
  const parsed = AnswerSchema.safeParse(raw);
  if (!parsed.success)
    return {
      ok: false,
      error: { code: 'PluginFailed', message: 'the plugin answered with a malformed envelope' },
    };
  if (!parsed.data.ok) return { ok: false, error: pluginError(parsed.data.error) };
  const result = parsed.data.result ?? null;
  // An answer from outside the platform's runtime (a process plugin's, in another language) was not
  // held to its depth: past it, the dispatcher's own JSON would overflow its stack and answer 500.
  try {
    checkJson(result, '/result', "the plugin's result was refused");
  } catch (error) {
    return { ok: false, error: { code: 'PluginFailed', message: (error as PlugboardError).message } };
  }
  return { ok: true, result };
}

/** An http-kind envelope carries a serialised web request and answers a serialised response. */
export interface SerializedRequest {
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  /** base64 */
  body?: string | undefined;
}
export interface SerializedResponse {
  status: number;
  headers: Record<string, string>;
  /** base64 */
  body: string;
}

/** Lambda's synchronous payload limit, mirrored locally. */
export const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

/**
 * An envelope as its function gets it, refused as Lambda refuses an invocation over its limit, by
 * every Invoker alike: the body's own limit leaves room for the options and context to take it over.
 */
export function serializeEnvelope(envelope: Envelope): string {
  const json = JSON.stringify(envelope);
  // A UTF-16 unit is at most 3 bytes of UTF-8: only a long text is worth counting.
  if (json.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(json) > MAX_PAYLOAD_BYTES) {
    throw new PlugboardError(
      'PayloadTooLarge',
      `the request is over Lambda's ${MAX_PAYLOAD_BYTES} byte limit`,
    );
  }
  return json;
}
