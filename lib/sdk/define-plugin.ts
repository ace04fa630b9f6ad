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
/**
 * One object type rather than an intersection, so an editor shows the params as one. A conditional,
 * as an error would name a plain mapped type by its alias (`Flat<...>`) rather than show its keys.
 */
type Flat<T> = T extends unknown ? { [K in keyof T]: T[K] } : never;
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

// Type-only: no value holds it, so a typed plugin is the very object the platform runs.
declare const PLUGIN_TYPES: unique symbol;

/**
 * A plugin as definePlugin returns it: a PluginDefinition that also carries its manifest literal and
 * what each action handler answers, so a caller (the testing kit) can be typed from the plugin.
 */
export interface TypedPlugin<M extends ManifestLiteral, R> extends PluginDefinition {
  readonly [PLUGIN_TYPES]: { manifest: M; results: R };
}

/** What each action handler answers, once awaited. */
type Results<H> = { [A in keyof H]: H[A] extends (...args: never[]) => infer O ? Awaited<O> : never };

/** An action's params as a caller gives them: required ones required, no secret, no other keys. */
type CallerParams<A> = NoExtraKeys<
  { [P in Arriving<ParamList<A, 'requiredParams'>> as ParamName<P>]: ParamValue<P> } & {
    [P in Arriving<ParamList<A, 'optionalParams'>> as ParamName<P>]?: ParamValue<P>;
  }
>;
// One object type, so an error shows the params; Record<string, never> rather than {} for none, as
// TypeScript checks no excess keys against an empty object type.
type NoExtraKeys<T> = [keyof T] extends [never] ? Record<string, never> : Flat<T>;

/**
 * A result as the client gets it, through JSON: a Date its ISO string, undefined null on its own or
 * in an array, a key holding undefined left out.
 */
type AsJson<T> = unknown extends T
  ? T
  : T extends { toJSON(): infer J }
    ? AsJson<J>
    : // biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing returns void, answered as null
      T extends undefined | void
      ? null
      : T extends readonly unknown[]
        ? { -readonly [I in keyof T]: AsJson<T[I]> }
        : T extends object
          ? Flat<
              { -readonly [K in keyof T as undefined extends T[K] ? never : K]: AsJson<T[K]> } & {
                -readonly [K in keyof T as undefined extends T[K] ? K : never]?: AsJson<
                  Exclude<T[K], undefined>
                >;
              }
            >
          : T;

/** The actions a caller may name: a typed plugin's own, any on a plugin loaded at run time. */
export type ActionName<D extends PluginDefinition> =
  D extends TypedPlugin<infer M, unknown> ? ActionNames<M> : string;

/** Action N as its caller sees it: the params it gives and the result it gets back. */
export type ActionCall<D extends PluginDefinition, N> =
  D extends TypedPlugin<infer M, infer R>
    ? {
        params: CallerParams<DeclaredAction<M, N>>;
        result: AsJson<N extends keyof R ? R[N] : unknown>;
      }
    : { params: Record<string, unknown>; result: unknown };

/** Declares a plugin; the loader validates the manifest and checks the handlers against `types`. */
export function definePlugin<
  const M extends ManifestLiteral,
  // H is inferred from the action handlers as written, for their results. Its constraint refuses a
  // handler for an undeclared action, which `& { actions?: H }` would let through; it has no default,
  // as one would make TypeScript type the handlers before M is inferred (a contract handler's literal
  // result widened to string).
  H extends { [K in keyof H]: K extends ActionNames<M> ? unknown : never },
>(definition: PluginDefinitionInput<M> & { actions?: H }): TypedPlugin<M, Results<H>> {
  return Object.assign(definition as unknown as TypedPlugin<M, Results<H>>, { [PLUGIN_MARK]: true });
}

export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === 'object' && value !== null && 'manifest' in value;
}
