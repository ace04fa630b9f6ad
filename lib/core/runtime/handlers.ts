import type * as z from 'zod';
import type { PluginContext } from '../../sdk/context';
import { operationSpec } from '../../sdk/contracts';
import type { GuardedCall, PluginDefinition } from '../../sdk/define-plugin';
import { PlugboardError, ValidationError } from '../../sdk/errors';
import type { EventDelivery } from '../../sdk/events';
import type { Manifest } from '../../sdk/manifest';
import type { EnvelopeSchema, SerializedRequest, SerializedResponse } from '../envelope';
import { zodFieldErrors } from '../zod-errors';
import { REDACTED } from './redact';

type ParsedEnvelope = z.output<typeof EnvelopeSchema>;
type AnyHandler = (ctx: PluginContext, input: unknown) => unknown;

/** Checks a value against an operation's contract, naming the path that broke it. */
function checkContract(schema: z.ZodType, value: unknown, what: string): unknown {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const first = zodFieldErrors(parsed.error, '', value)[0];
  throw new PlugboardError(
    'PluginFailed',
    `the ${what} broke its contract at ${first?.pointer}: ${first?.detail}`,
  );
}

const missing = (what: string) => new PlugboardError('NotFound', `the plugin has no ${what}`);

function lookup(group: unknown, name: string): AnyHandler | undefined {
  if (typeof group !== 'object' || group === null || !Object.hasOwn(group, name)) return undefined;
  const handler = (group as Record<string, unknown>)[name];
  return typeof handler === 'function' ? (handler as AnyHandler) : undefined;
}

type ConfigItem = { secret?: boolean; dataType?: string; value?: unknown };
const CONFIG_ANSWERS = new Set([
  'configuration.getValues',
  'configuration.listKeys',
  'configuration.setValue',
]);

/**
 * Values of secret data types never leave the plugin in clear (Imbi's configuration contract), and
 * every key of one says it is secret, whatever the handler set: in `getValues`, `listKeys` and
 * `setValue` alike.
 */
function markSecrets(manifest: Manifest, name: string, output: unknown): unknown {
  if (!CONFIG_ANSWERS.has(name)) return output;
  const secretTypes = new Set(manifest.dataTypes.filter((d) => d.secret).map((d) => d.name));
  const mark = (item: ConfigItem): ConfigItem => {
    if (!item.secret && !(item.dataType && secretTypes.has(item.dataType))) return item;
    return 'value' in item ? { ...item, secret: true, value: REDACTED } : { ...item, secret: true };
  };
  if (name === 'configuration.setValue') return mark(output as ConfigItem);
  if (name === 'configuration.getValues' || name === 'configuration.listKeys')
    return (output as ConfigItem[]).map(mark);
  return output;
}

async function runOperation(
  plugin: PluginDefinition,
  manifest: Manifest,
  name: string,
  ctx: PluginContext,
  input: unknown,
) {
  const spec = operationSpec(name);
  const [type, op] = name.split('.') as [string, string];
  const handler = manifest.types.includes(type as never)
    ? lookup(plugin[type as keyof PluginDefinition], op)
    : undefined;
  if (!spec || !handler) throw missing(`operation "${name}"`);
  const parsedInput = spec.input.safeParse(input ?? {});
  if (!parsedInput.success) {
    throw new ValidationError(
      `the input of ${name} is not valid`,
      zodFieldErrors(parsedInput.error, '/input', input ?? {}),
    );
  }
  const output = checkContract(spec.output, await handler(ctx, parsedInput.data), `answer of ${name}`);
  return markSecrets(manifest, name, output);
}

async function runHttp(
  plugin: PluginDefinition,
  ctx: PluginContext,
  input: SerializedRequest,
): Promise<SerializedResponse> {
  if (!plugin.http) throw missing('http handler');
  const body =
    input.body && !['GET', 'HEAD'].includes(input.method) ? Buffer.from(input.body, 'base64') : undefined;
  const request = new Request(`http://plugin.local${input.path}${input.query ? `?${input.query}` : ''}`, {
    method: input.method,
    headers: input.headers,
    body,
  });
  const response = await plugin.http(ctx, request);
  return {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: Buffer.from(await response.arrayBuffer()).toString('base64'),
  };
}

/** Finds the handler an envelope names and calls it; throws NotFound when there is none. */
export async function dispatchHandler(
  plugin: PluginDefinition,
  manifest: Manifest,
  envelope: ParsedEnvelope,
  ctx: PluginContext,
): Promise<unknown> {
  const { kind, name, input } = envelope;
  switch (kind) {
    case 'operation':
      return runOperation(plugin, manifest, name, ctx, input);
    case 'action': {
      const handler = lookup(plugin.actions, name);
      if (!handler) throw missing(`action "${name}"`);
      return handler(ctx, input ?? {});
    }
    case 'http':
      return runHttp(plugin, ctx, input as SerializedRequest);
    case 'event':
      if (!plugin.events) throw missing('events handler');
      return plugin.events(ctx, input as EventDelivery);
    case 'lifecycle': {
      const handler = lookup(plugin.lifecycle, name);
      if (!handler) throw missing(`lifecycle hook "${name}"`);
      return handler(ctx, input ?? {});
    }
    case 'webhook': {
      const handler = lookup(plugin.webhook, name);
      if (!handler) throw missing(`webhook action "${name}"`);
      return handler(ctx, input);
    }
    case 'authorizer':
      if (!plugin.authorizer) throw missing('authorizer');
      return plugin.authorizer(ctx, input as GuardedCall);
    case 'preHook':
      if (!plugin.preHook) throw missing('pre-hook');
      return (await plugin.preHook(ctx, input as GuardedCall)) ?? {};
  }
}
