import { randomUUID } from 'node:crypto';
import { checkEvent } from '../core/events/event-schema';
import { credentialErrors } from '../core/instances/credential-errors';
import { handlerStore } from '../core/runtime/handler-store';
import { publisher } from '../core/runtime/publish';
import { createRedactor } from '../core/runtime/redact';
import type { LogFields, PluginContext, PluginLogger, PluginStore } from '../sdk/context';
import { ValidationError } from '../sdk/errors';
import { type Manifest, ManifestSchema } from '../sdk/manifest';
import type { ManifestLiteral } from '../sdk/manifest-literal';
import { checkParams } from '../sdk/params';
import { expandTemplate } from '../sdk/templates';
import { MemoryStore } from './memory-store';
import type { InitArgument, TestContextInit, TypedTestContext } from './test-context-init';

/** Account and region of the events a test publishes; the platform stamps its own. */
export const TEST_ORIGIN = { account: '000000000000', region: 'local' };

export interface CapturedLog {
  level: keyof PluginLogger;
  message: string;
  fields?: LogFields | undefined;
}

export interface CapturedPublish {
  detailType: string;
  detail: Record<string, unknown>;
}

/**
 * A real PluginContext whose store lives in memory and whose logs and publishes are captured. What a
 * handler logs or publishes through it is redacted of the credentials' values, and `publish` and
 * `store` are the runtime's own (a detail held to JSON; what the bus or the store refuses answered as
 * PluginFailed, a cursor the store did not make as CursorExpired), also when the handler is called
 * directly (`await plugin.actions.x(ctx, params)`). A direct call still skips what the runtime does
 * with the call itself: params and input checked, the result held to its contract and to JSON, secret
 * data types marked, credentials redacted from the result, an untyped error answered as PluginFailed;
 * callAction and callOperation do all of it.
 */
export interface TestContext<Options = Record<string, unknown>, Credentials = Record<string, string>>
  extends PluginContext<Options, Credentials> {
  /**
   * The runtime's `ctx.store` over this context's MemoryStore (the one given as `store`, or a new
   * one): a test seeds and reads the same items through it as the handler does, and what it refuses
   * fails as it does for the handler. The MemoryStore, called directly, answers the registry's own
   * errors.
   */
  readonly store: PluginStore;
  readonly logs: CapturedLog[];
  readonly published: CapturedPublish[];
  /**
   * Aborts `signal` now, as the runtime does at the deadline, for a handler called directly with this
   * context; callAction and callOperation give each call its own deadline, as the platform does.
   */
  abort(): void;
}

/** The options with their defaults, checked as the platform checks an instance's. */
function instanceOptions(manifest: Manifest | undefined, init: TestContextInit): Record<string, unknown> {
  if (!manifest) return init.options ?? {};
  const checked = checkParams(manifest.options, init.options ?? {}, '/options');
  if (checked.errors.length > 0) throw new ValidationError('options are not valid', checked.errors);
  return checked.values;
}

/**
 * Refuses what PUT .../credentials refuses, but for a required credential left out: a handler that
 * does not read it (a lifecycle hook, an event handler) runs without it, and the context's type says so.
 */
function checkCredentials(manifest: Manifest | undefined, init: TestContextInit): void {
  if (!manifest) return;
  const refused = credentialErrors(manifest, init.credentials ?? {}, {
    at: '/credentials',
    requireAll: false,
  });
  if (refused.length > 0) throw new ValidationError('credentials are not valid', refused);
}

/**
 * A test context for plugin M (given its manifest), typed as M's handlers take theirs: with the
 * credentials C, that of a caller's calls if C holds the required ones, else that of the platform's
 * other calls (TestCredentials). Without a manifest, untyped, and nothing checked.
 */
export function createTestContext<
  const M extends ManifestLiteral | undefined = undefined,
  const C extends Record<string, string> = Record<never, never>,
>(...[init]: InitArgument<M, C>): TypedTestContext<M, C> {
  return testContext(init ?? {}) as TypedTestContext<M, C>;
}

function testContext(init: TestContextInit): TestContext {
  const manifest = init.manifest && ManifestSchema.parse(init.manifest);
  checkCredentials(manifest, init);
  const logs: CapturedLog[] = [];
  const published: CapturedPublish[] = [];
  const controller = new AbortController();
  const timeoutMs = init.timeoutMs ?? (init.manifest?.timeoutSeconds ?? 10) * 1000;
  const context = init.context ?? {};
  const plugin = init.plugin ?? init.manifest?.slug ?? 'test-plugin';
  const instance = init.instance ?? 'test-instance';
  const redact = createRedactor(Object.values(init.credentials ?? {}));
  const logAt =
    (level: keyof PluginLogger) =>
    (message: string, fields?: LogFields): void => {
      logs.push({
        level,
        message: redact(message),
        fields: fields === undefined ? undefined : redact(fields),
      });
    };
  return {
    ...context,
    requestId: randomUUID(),
    plugin,
    instance,
    options: instanceOptions(manifest, init),
    credentials: Object.freeze({ ...init.credentials }),
    log: { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn'), error: logAt('error') },
    signal: controller.signal,
    deadline: Date.now() + timeoutMs,
    // The runtime's own publish, over a bus that refuses what the platform's buses refuse and keeps
    // each detail as the runtime sends it, without the instance it adds.
    publish: publisher({
      slug: plugin,
      instance,
      redact,
      services: {
        ...TEST_ORIGIN,
        publish: async (event) => {
          const { instance: _, ...detail } = checkEvent(event).detail;
          published.push({ detailType: event['detail-type'], detail });
        },
      },
    }),
    store: handlerStore(init.store ?? new MemoryStore({ plugin, instance })),
    expand: (template) => expandTemplate(template, context),
    logs,
    published,
    abort: () => controller.abort(),
  };
}
