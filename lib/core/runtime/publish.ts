import { randomUUID } from 'node:crypto';
import type { PluginContext } from '../../sdk/context';
import { pluginSource } from '../../sdk/events';
import { checkJson } from './json-check';
import { platformCall } from './platform-call';
import type { RuntimeServices } from './services';

/**
 * A published detail as JSON holds it, as EventBridge takes it, on every runtime: JSON's own rules
 * apply, as they do to a handler's result (a Date becomes its ISO string, an undefined field is left
 * out; NaN, an Infinity and an undefined array item become null). Locally a Date was refused, on
 * AWS sent as a string, and with credentials set the redaction's walk had turned it into a string
 * already. What JSON would lose (a Map, a Set, a BigInt) is refused as the store's and the bus's
 * refusals are.
 */
function asJson(detail: Record<string, unknown>): Record<string, unknown> {
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

export interface PublishScope {
  readonly slug: string;
  readonly instance: string;
  readonly chainDepth?: number | undefined;
  /** Scrubs the call's credentials from the event, whose detail the bus and its subscribers see. */
  readonly redact: <T>(value: T) => T;
  /** The bus the event goes to, and the account and region stamped on it. */
  readonly services: Pick<RuntimeServices, 'publish' | 'account' | 'region'>;
}

/**
 * A handler's `ctx.publish`: the detail held to JSON, the event built and handed to the bus, and
 * what the bus refuses answered as the plugin's failure. The runtime gives it to every call, and
 * the testing kit's context is this same function over a stand-in bus, so that a plugin's own test
 * sees what the platform answers.
 */
export function publisher(scope: PublishScope): PluginContext['publish'] {
  const { slug, instance, chainDepth, redact, services } = scope;
  return async (detailType, detail) => {
    await platformCall('ctx.publish', () =>
      services.publish({
        version: '0',
        id: randomUUID(),
        'detail-type': detailType,
        source: pluginSource(slug),
        account: services.account,
        time: new Date().toISOString(),
        region: services.region,
        resources: [],
        detail: redact(publishedDetail(detail, instance, chainDepth)),
      }),
    );
  };
}
