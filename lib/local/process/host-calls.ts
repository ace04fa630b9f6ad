import * as z from 'zod';
import { type EnvelopeError, MAX_PAYLOAD_BYTES } from '../../core/envelope';
import { handlerStore } from '../../core/runtime/handler-store';
import { platformCall } from '../../core/runtime/platform-call';
import { publisher } from '../../core/runtime/publish';
import type { Redactor } from '../../core/runtime/redact';
import { zodFieldErrors } from '../../core/zod-errors';
import type { StoreListOptions } from '../../sdk/context';
import { PlugboardError } from '../../sdk/errors';
import type { HostMethods } from '../worker/protocol';

/**
 * A process's call to the platform, one line on its stdout between answers:
 * `{"call":{"v":1,"id":7,"method":"store.get","params":{"key":"k"}}}`. The `call` key tells it from an
 * answer (`{"ok":...}`); the host's reply, one line on its stdin, is `{"reply":{"v":1,"id":7,"ok":true,
 * "result":...}}` or `{"reply":{"v":1,"id":7,"ok":false,"error":{"code","message"}}}`, which a
 * `reply` key tells from an envelope (`{"v":1,...}`).
 */
export const CallLineSchema = z.strictObject({
  call: z.strictObject({
    v: z.literal(1),
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    method: z.string().max(100),
    params: z.unknown().optional(),
  }),
});
export type HostCall = z.infer<typeof CallLineSchema>['call'];

export interface HostReply {
  v: 1;
  id: number;
  ok: boolean;
  result?: unknown;
  error?: Pick<EnvelopeError, 'code' | 'message'>;
}

/** Whether a line the process wrote is a call rather than an answer. */
export const isCallLine = (raw: unknown): boolean =>
  typeof raw === 'object' && raw !== null && Object.hasOwn(raw, 'call');

/** Checked where it goes (the store, the bus), as what a TypeScript plugin passes is. */
const unchecked = z.unknown().optional();
/**
 * Each method's params. None names a plugin, an instance or a credentials ref: a call reaches those
 * of the envelope being handled, and a call that names another is refused. What the store or the bus
 * refuses of a value is left to them, so that a process gets the rules a TypeScript plugin gets.
 */
const PARAMS = {
  credentials: z.strictObject({}),
  'store.get': z.strictObject({ key: unchecked }),
  'store.put': z.strictObject({ key: unchecked, value: unchecked }),
  'store.delete': z.strictObject({ key: unchecked }),
  'store.list': z.strictObject({ prefix: unchecked, limit: unchecked, cursor: unchecked }),
  publish: z.strictObject({ detailType: unchecked, detail: z.record(z.string(), z.unknown()) }),
} as const;
type HostCallMethod = keyof typeof PARAMS;
const HOST_CALL_METHODS = Object.keys(PARAMS) as HostCallMethod[];

/** What the envelope being handled lets its calls reach. */
export interface CallScope {
  readonly instance: string;
  readonly generation?: string | undefined;
  readonly chainDepth?: number | undefined;
  /** The instance's credentials, resolved by the envelope's ref when the host sent it. */
  readonly credentials: Promise<Record<string, string>>;
  /**
   * Once those are resolved, what scrubs what the process publishes: of them, and of the other
   * credentials the process was handed while it runs.
   */
  redact(): Promise<Redactor>;
}

export interface CallHost {
  readonly slug: string;
  readonly methods: HostMethods;
  readonly account: string;
  readonly region: string;
}

/**
 * Serves one call, written in `lineBytes`, within the scope of the envelope being handled (undefined
 * when that was not an envelope of this plugin), through the same store and publish as a TypeScript
 * plugin's `ctx`: what the platform refuses is PluginFailed naming the rule, a cursor it did not make
 * CursorExpired.
 */
export async function serveHostCall(
  call: HostCall,
  scope: CallScope | undefined,
  host: CallHost,
  lineBytes: number,
): Promise<HostReply> {
  const name = `ctx.${call.method}`;
  try {
    const result = await platformCall(name, async () => {
      if (lineBytes > MAX_PAYLOAD_BYTES)
        throw new PlugboardError('PayloadTooLarge', `its line is larger than Lambda's 6 MB limit`);
      return run(call, scope, host);
    });
    return { v: 1, id: call.id, ok: true, result: result ?? null };
  } catch (error) {
    const known = error instanceof PlugboardError;
    const message = error instanceof Error ? error.message : `${name} failed`;
    return { v: 1, id: call.id, ok: false, error: { code: known ? error.code : 'PluginFailed', message } };
  }
}

async function run(call: HostCall, scope: CallScope | undefined, host: CallHost): Promise<unknown> {
  if (!Object.hasOwn(PARAMS, call.method))
    throw new PlugboardError('Validation', `there is no method "${call.method}"`, {
      errors: [{ pointer: '/method', detail: `must be one of ${HOST_CALL_METHODS.join(', ')}` }],
    });
  const method = call.method as HostCallMethod;
  const parsed = PARAMS[method].safeParse(call.params ?? {});
  if (!parsed.success)
    throw new PlugboardError('Validation', 'its params are not valid', {
      errors: zodFieldErrors(parsed.error, '/params', call.params),
    });
  if (!scope)
    throw new PlugboardError(
      'Validation',
      `the payload being handled is not an envelope of plugin "${host.slug}", so its calls reach nothing`,
    );
  const params = parsed.data as Record<string, unknown>;
  const owner = { name: scope.instance, generation: scope.generation };
  const store = () =>
    handlerStore({
      get: (k) => host.methods.storeGet(owner, k),
      put: (k, value) => host.methods.storePut(owner, k, value),
      delete: (k) => host.methods.storeDelete(owner, k),
      list: (options) => host.methods.storeList(owner, options),
    });
  switch (method) {
    case 'credentials':
      return scope.credentials;
    case 'store.get':
      return store().get(params.key as string);
    case 'store.put':
      return store().put(params.key as string, params.value);
    case 'store.delete':
      return store().delete(params.key as string);
    case 'store.list':
      return store().list(params as StoreListOptions);
    case 'publish': {
      const publish = publisher({
        slug: host.slug,
        instance: scope.instance,
        chainDepth: scope.chainDepth,
        redact: await scope.redact(),
        services: { publish: host.methods.publish, account: host.account, region: host.region },
      });
      return publish(params.detailType as string, params.detail as Record<string, unknown>);
    }
  }
}
