import type { PluginContext } from './context';
import type { CONTRACTS, InputOf, OutputOf, WebhookCall } from './contracts';
import type { EventDelivery } from './events';
import type { ManifestInput, PluginType } from './manifest';

type Awaitable<T> = T | Promise<T>;
type Handler<I, O> = (ctx: PluginContext, input: I) => Awaitable<O>;

type ContractHandlers<T extends keyof typeof CONTRACTS> = {
  [O in keyof (typeof CONTRACTS)[T] as (typeof CONTRACTS)[T][O] extends { required: true }
    ? O
    : never]: Handler<InputOf<T, O>, OutputOf<T, O>>;
} & {
  [O in keyof (typeof CONTRACTS)[T] as (typeof CONTRACTS)[T][O] extends { required: true }
    ? never
    : O]?: Handler<InputOf<T, O>, OutputOf<T, O>>;
};

/** The handler group each plugin type brings. */
export interface TypeHandlers {
  configuration: ContractHandlers<'configuration'>;
  logs: ContractHandlers<'logs'>;
  identity: ContractHandlers<'identity'>;
  deployment: ContractHandlers<'deployment'>;
  lifecycle: ContractHandlers<'lifecycle'>;
  webhook: Record<string, Handler<WebhookCall, unknown>>;
}

export type ActionHandler = Handler<Record<string, unknown>, unknown>;
export type HttpHandler = (ctx: PluginContext, request: Request) => Awaitable<Response>;
export type EventHandler = (ctx: PluginContext, delivery: EventDelivery) => Awaitable<void>;

/** What an authorizer or pre-hook sees of the call it guards. */
export interface GuardedCall {
  instance: string;
  plugin: string;
  kind: 'operation' | 'action';
  name: string;
  input: Record<string, unknown>;
}
export type AuthorizerHandler = (
  ctx: PluginContext,
  call: GuardedCall,
) => Awaitable<{ allow: boolean; reason?: string }>;
export type PreHookHandler = (
  ctx: PluginContext,
  call: GuardedCall,
) => Awaitable<
  // biome-ignore lint/suspicious/noConfusingVoidType: a pre-hook that lets the call through returns nothing
  void | { veto: string }
>;

/** Handlers any plugin may have, whatever its types. */
export interface CommonHandlers {
  actions?: Record<string, ActionHandler>;
  http?: HttpHandler;
  events?: EventHandler;
  authorizer?: AuthorizerHandler;
  preHook?: PreHookHandler;
}

type DeclaredTypes<M> = M extends { types: readonly (infer T)[] } ? T & PluginType : never;
type ActionNames<M> = M extends { actions: readonly { name: infer N }[] } ? N & string : never;

/**
 * A declared type's handler group is required and typed; an undeclared one is forbidden. One
 * conditional per type, not a mapped type over the declared keys: TypeScript contextually types
 * handler parameters through the conditional, but not through a mapped type whose keys depend
 * on the manifest being inferred (the handlers' parameters would be implicitly `any`).
 */
type Group<M, T extends PluginType> = [T] extends [DeclaredTypes<M>]
  ? { [K in T]: TypeHandlers[K] }
  : { [K in T]?: never };

/** The declared types' handler groups are required and typed; undeclared ones are forbidden. */
export type PluginDefinitionInput<M extends ManifestLiteral> = { manifest: M } & Group<M, 'configuration'> &
  Group<M, 'logs'> &
  Group<M, 'identity'> &
  Group<M, 'deployment'> &
  Group<M, 'lifecycle'> &
  Group<M, 'webhook'> &
  Omit<CommonHandlers, 'actions'> &
  ([ActionNames<M>] extends [never]
    ? { actions?: Record<string, never> }
    : { actions: { [A in ActionNames<M>]: ActionHandler } });

/** A plugin as the platform sees it: an unvalidated manifest plus its handlers. */
export interface PluginDefinition extends CommonHandlers, Partial<TypeHandlers> {
  manifest: ManifestInput;
}

export const PLUGIN_MARK = Symbol.for('plugboard.plugin');

/** Lets `definePlugin<const M>` accept the readonly literal types a const type parameter infers. */
type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
export type ManifestLiteral = DeepReadonly<ManifestInput>;

/** Declares a plugin; the loader validates the manifest and checks the handlers against `types`. */
export function definePlugin<const M extends ManifestLiteral>(
  definition: PluginDefinitionInput<M>,
): PluginDefinition {
  return Object.assign(definition as unknown as PluginDefinition, { [PLUGIN_MARK]: true });
}

export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === 'object' && value !== null && 'manifest' in value;
}
