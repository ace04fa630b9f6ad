import * as z from 'zod';
import { CallContextSchema } from '../sdk/context';
import { type ErrorCode, isErrorCode } from '../sdk/errors';

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

export const EnvelopeSchema = z.object({
  v: z.literal(1),
  kind: z.enum(ENVELOPE_KINDS),
  plugin: z.string(),
  instance: z.string(),
  name: z.string(),
  input: z.unknown(),
  context: CallContextSchema.default({}),
  options: z.record(z.string(), z.unknown()).default({}),
  /** Where the runtime finds this instance's credentials; absent when none are set. */
  credentialsRef: z.string().optional(),
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

const AnswerSchema = z.union([
  // A handler that returns nothing answers `{ "ok": true }`: JSON has no undefined.
  z.object({ ok: z.literal(true), result: z.unknown().optional() }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.string().refine(isErrorCode),
      message: z.string(),
      retryAt: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
]);

/** Parses what a plugin function answered; anything malformed becomes a PluginFailed answer. */
export function parseAnswer(raw: unknown): Answer {
  const parsed = AnswerSchema.safeParse(raw);
  if (parsed.success) return parsed.data as Answer;
  return {
    ok: false,
    error: { code: 'PluginFailed', message: 'the plugin answered with a malformed envelope' },
  };
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
