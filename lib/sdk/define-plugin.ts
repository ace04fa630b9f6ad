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
type WebhookActionNames<M> = M extends { webhookActions: readonly { name: infer N }[] } ? N & string : never;
type DeclaredAction<M, N> = M extends { actions: readonly (infer A)[] } ? Extract<A, { name: N }> : never;

/** What a param of each type holds once checkParams has accepted it. */
interface ParamTypeValues {
  string: string;
  integer: number;
  boolean: boolean;
  mapping: Record<string, string>;
}
/** A param's value: its choices' literals when the manifest literal keeps them, else its type's value. */
type ParamValue<P> = P extends { type: infer T extends keyof ParamTypeValues }
  ? P extends { choices: readonly (infer C)[] }
    ? Extract<C, ParamTypeValues[T]>
    : ParamTypeValues[T]
  : never;
type ParamList<A, K extends 'requiredParams' | 'optionalParams'> = A extends {
  [_ in K]: readonly (infer P)[];
}
  ? P
  : never;
// checkParams refuses a secret from a caller and has no default to fill one in: it never arrives.
type Arriving<P> = Exclude<P, { type: 'secret' }>;
/** Required params, and optional ones checkParams fills in from their default. */
type PresentParams<A> = Arriving<
  ParamList<A, 'requiredParams'> | Extract<ParamList<A, 'optionalParams'>, { default: unknown }>
>;
type AbsentParams<A> = Arriving<Exclude<ParamList<A, 'optionalParams'>, { default: unknown }>>;
type ParamName<P> = P extends { name: infer N extends string } ? N : never;
/** One object type rather than an intersection, so an editor shows the params as one. */
type Flat<T> = { [K in keyof T]: T[K] };
/** An action handler's params as checkParams hands them over: no other keys. */
type ActionParams<A> = Flat<
  { [P in PresentParams<A> as ParamName<P>]: ParamValue<P> } & {
    [P in AbsentParams<A> as ParamName<P>]?: ParamValue<P>;
  }
>;

/**
 * A declared type's handler group is required and typed; an undeclared one is forbidden. One
 * conditional per type, not a mapped type over the declared keys: TypeScript contextually types
 * handler parameters through the conditional, but not through a mapped type whose keys depend
 * on the manifest being inferred (the handlers' parameters would be implicitly `any`).
 */
type Group<M, T extends PluginType> = [T] extends [DeclaredTypes<M>]
  ? { [K in T]: K extends 'webhook' ? WebhookHandlers<M> : TypeHandlers[K] }
  : { [K in T]?: never };
/** One handler per declared webhook action, no other (the loader refuses both). */
type WebhookHandlers<M> = { [W in WebhookActionNames<M>]: Handler<WebhookCall, unknown> };

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
    : { actions: { [A in ActionNames<M>]: Handler<ActionParams<DeclaredAction<M, A>>, unknown> } });

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
