import type { PluginContext } from './context';
import type { CONTRACTS, ContractType, InputOf, OutputOf, WebhookCall } from './contracts';
import type { EventDelivery } from './events';
import type { PluginType } from './manifest';
import type {
  ActionNames,
  ActionParams,
  CheckedCredentials,
  DeclaredAction,
  DeclaredTypes,
  InstanceOptions,
  KeepsEntries,
  ManifestLiteral,
  UncheckedCredentials,
  WebhookActionNames,
} from './manifest-literal';

export type { ManifestLiteral } from './manifest-literal';

type Awaitable<T> = T | Promise<T>;
/**
 * A handler whose ctx is C: in definePlugin, a PluginContext with the manifest's options and
 * credentials (PluginDefinitionInput).
 */
type Handler<I, O, C> = (ctx: C, input: I) => Awaitable<O>;

type ContractHandlers<T extends keyof typeof CONTRACTS, C> = {
  [O in keyof (typeof CONTRACTS)[T] as (typeof CONTRACTS)[T][O] extends { required: true }
    ? O
    : never]: Handler<InputOf<T, O>, OutputOf<T, O>, C>;
} & {
  [O in keyof (typeof CONTRACTS)[T] as (typeof CONTRACTS)[T][O] extends { required: true }
    ? never
    : O]?: Handler<InputOf<T, O>, OutputOf<T, O>, C>;
};

/**
 * The handler group each plugin type brings. C is the ctx of the calls that need the instance's
 * credentials (operations, webhook actions), U of those the platform makes whether or not they are
 * set (lifecycle hooks): see PluginDefinitionInput.
 */
export interface TypeHandlers<C = PluginContext, U = C> {
  configuration: ContractHandlers<'configuration', C>;
  logs: ContractHandlers<'logs', C>;
  identity: ContractHandlers<'identity', C>;
  deployment: ContractHandlers<'deployment', C>;
  lifecycle: ContractHandlers<'lifecycle', U>;
  webhook: Record<string, Handler<WebhookCall, unknown, C>>;
}

/**
 * A handler of an action. The runtime checks the params against the manifest before the call, so a
 * handler typed for its own action's params is one too: a method's parameters are compared both ways.
 */
export type ActionHandler<C = PluginContext> = {
  handle(ctx: C, params: Record<string, unknown>): Awaitable<unknown>;
}['handle'];
export type HttpHandler<C = PluginContext> = Handler<Request, Response, C>;
export type EventHandler<C = PluginContext> = Handler<EventDelivery, void, C>;

/** What an authorizer or pre-hook sees of the call it guards. */
export interface GuardedCall {
  instance: string;
  plugin: string;
  kind: 'operation' | 'action';
  name: string;
  input: Record<string, unknown>;
}
export type AuthorizerHandler<C = PluginContext> = Handler<
  GuardedCall,
  { allow: boolean; reason?: string },
  C
>;
export type PreHookHandler<C = PluginContext> = Handler<
  GuardedCall,
  // biome-ignore lint/suspicious/noConfusingVoidType: a pre-hook that lets the call through returns nothing
  void | { veto: string },
  C
>;

/** Handlers any plugin may have, whatever its types; C and U as in TypeHandlers. */
export interface CommonHandlers<C = PluginContext, U = C> {
  actions?: Record<string, ActionHandler<C>>;
  http?: HttpHandler<C>;
  events?: EventHandler<U>;
  authorizer?: AuthorizerHandler<U>;
  preHook?: PreHookHandler<U>;
}

/**
 * A declared type's handler group is required and typed; an undeclared one is forbidden. One
 * conditional per type, not a mapped type over the declared keys: TypeScript contextually types
 * handler parameters through the conditional, but not through a mapped type whose keys depend
 * on the manifest being inferred (the handlers' parameters would be implicitly `any`).
 */
type Group<M, T extends PluginType, C, U> = [T] extends [DeclaredTypes<M>]
  ? { [K in T]: K extends 'webhook' ? WebhookHandlers<M, C> : TypeHandlers<C, U>[K] }
  : { [K in T]?: never };
/** One handler per declared webhook action, no other (the loader refuses both). */
type WebhookHandlers<M, C> = { [W in WebhookActionNames<M>]: Handler<WebhookCall, unknown, C> };

/** The handlers a manifest literal declares: its types' groups and its actions', each typed, no other. */
type DeclaredHandlers<M, C, U> = Group<M, 'configuration', C, U> &
  Group<M, 'logs', C, U> &
  Group<M, 'identity', C, U> &
  Group<M, 'deployment', C, U> &
  Group<M, 'lifecycle', C, U> &
  Group<M, 'webhook', C, U> &
  ([ActionNames<M>] extends [never]
    ? { actions?: Record<string, never> }
    : { actions: { [A in ActionNames<M>]: Handler<ActionParams<DeclaredAction<M, A>>, unknown, C> } });

/**
 * The handlers of a plugin whose manifest's type is not a literal, which says neither which types nor
 * which actions it declares: any group and any action handler, as on a plugin loaded at run time, for
 * the loader to check.
 */
type LooseHandlers<C, U> = Partial<TypeHandlers<C, U>> & Pick<CommonHandlers<C, U>, 'actions'>;
/**
 * Decided once for the whole definition: the same conditional nested in each group cost TypeScript
 * some 40 times the type instantiations per plugin.
 */
type ManifestHandlers<M, C, U> =
  KeepsEntries<M, 'types' | 'actions'> extends true ? DeclaredHandlers<M, C, U> : LooseHandlers<C, U>;

/**
 * The handlers definePlugin takes: those its manifest declares, typed, or any if it does not say.
 * Each one's ctx has the options and credentials the manifest declares (any, if its type does not
 * name them). The required credentials are there in a caller's calls (operations, actions, http),
 * which the runtime answers CredentialsMissing without them, and in webhook actions, which a rule
 * runs only for an instance with them (needsCredentials); the platform's other calls (lifecycle
 * hooks, events, guards) run without that check, where each may be unset.
 */
export type PluginDefinitionInput<M extends ManifestLiteral> = DefinitionInput<
  M,
  CheckedContext<M>,
  UncheckedContext<M>
>;
/** The ctx of the calls that need the required credentials (operations, actions, http, webhook actions). */
export type CheckedContext<M> = PluginContext<InstanceOptions<M>, CheckedCredentials<M>>;
/** The ctx of the calls that run without them (lifecycle hooks, events, guards). */
export type UncheckedContext<M> = PluginContext<InstanceOptions<M>, UncheckedCredentials<M>>;
type DefinitionInput<M, C, U> = { manifest: M } & ManifestHandlers<M, C, U> &
  Omit<CommonHandlers<C, U>, 'actions'>;

/**
 * A plugin as the platform sees it: an unvalidated manifest plus its handlers. Each handler's ctx is
 * the one its manifest says, which the platform builds from it: a handler taking a typed plugin's
 * ctx is one too (AnyContext).
 */
export interface PluginDefinition extends AnyContext<CommonHandlers & Partial<TypeHandlers>> {
  /** Readonly, so a typed plugin's manifest literal is one, and can be given to definePlugin again. */
  manifest: ManifestLiteral;
}

export const PLUGIN_MARK = Symbol.for('plugboard.plugin');

// Type-only: no value holds it, so a typed plugin is the very object the platform runs.
declare const PLUGIN_TYPES: unique symbol;

/**
 * A plugin as definePlugin returns it: a PluginDefinition that keeps its manifest literal, types each
 * handler by its action or operation, and carries what each one returns (R, by group), so its callers
 * (a direct call, the testing kit) are typed from the plugin.
 */
export interface TypedPlugin<M extends ManifestLiteral, R>
  extends Omit<PluginDefinition, 'manifest' | 'actions' | PluginType | keyof CommonHandlers>,
    TypedGroups<M, R> {
  manifest: M;
  actions: TypedActions<M, R>;
  http?: Direct<CheckedContext<M>, Request, Awaitable<Response>>;
  events?: Direct<UncheckedContext<M>, EventDelivery, Awaitable<void>>;
  authorizer?: Direct<UncheckedContext<M>, GuardedCall, ReturnType<AuthorizerHandler>>;
  preHook?: Direct<UncheckedContext<M>, GuardedCall, ReturnType<PreHookHandler>>;
  readonly [PLUGIN_TYPES]: { returns: R };
}

/**
 * Handlers as a direct call sees them: each one's ctx as the platform gives it (C: a test context
 * without what the handler's type says is there is refused), its input as the runtime hands it over
 * (Inputs, by name; a direct call skips the checks, so a param or field with a default is the
 * caller's to give) and its result as written (Results, by name).
 */
type DirectHandlers<Inputs, Results, C> = {
  [K in keyof Inputs]: Direct<C, Inputs[K], K extends keyof Results ? Results[K] : unknown>;
};
/** A handler taking ctx C, as a method's type: its parameters are compared both ways (AnyContext). */
type Direct<C, I, O> = { handle(ctx: C, input: I): O }['handle'];
/**
 * Handlers H (a group, or groups of them) as method types, which take a PluginContext and any
 * narrower one, as TypeScript compares a method's parameters both ways.
 */
type AnyContext<H> = H extends (ctx: infer C, input: infer I) => infer O
  ? Direct<C, I, O>
  : { [K in keyof H]: AnyContext<H[K]> };
/** What the handlers of group G return, by name, as written. */
export type GroupResults<R, G extends string> = G extends keyof R ? R[G] : Record<never, never>;

type TypedActions<M, R> = [ActionNames<M>] extends [never]
  ? Record<string, never> | undefined
  : DirectHandlers<
      { [A in ActionNames<M>]: ActionParams<DeclaredAction<M, A>> },
      GroupResults<R, 'actions'>,
      CheckedContext<M>
    >;

/**
 * The operations of contract type T the plugin has a handler for, as written: the required ones
 * (which definePlugin requires) and the optional ones given.
 */
export type HandledOperations<R, T extends ContractType> = Extract<
  keyof GroupResults<R, T>,
  keyof (typeof CONTRACTS)[T]
>;

/**
 * Each handler group typed per operation or webhook action: a contract type's as written (those of
 * the declared types, as definePlugin requires them); the webhook group if declared, and maybe not
 * there when the manifest's type does not say (it is not a literal); none else.
 */
type TypedGroups<M, R> = {
  [T in PluginType]: T extends ContractType
    ? T extends keyof R
      ? DirectHandlers<
          { [O in HandledOperations<R, T>]: InputOf<T, O> },
          R[T],
          T extends 'lifecycle' ? UncheckedContext<M> : CheckedContext<M>
        >
      : undefined
    : [T] extends [DeclaredTypes<M>]
      ?
          | DirectHandlers<
              { [W in WebhookActionNames<M>]: WebhookCall },
              GroupResults<R, T>,
              CheckedContext<M>
            >
          | (KeepsEntries<M, 'types'> extends true ? never : undefined)
      : undefined;
};

/**
 * What each handler returns, as written, by group: the action handlers H and the contract types'
 * groups G. A handler a group may lack (an optional property of a group not written as a literal)
 * is left out: the plugin may not have it.
 */
type Results<H, G> = {
  [K in 'actions' | (keyof G & ContractType)]: Returned<K extends keyof G & ContractType ? G[K] : H>;
};
type Returned<W> = {
  // biome-ignore lint/complexity/noBannedTypes: `{} extends Pick<X, K>` is how a type says K is optional in X
  [K in keyof W as {} extends Pick<W, K> ? never : K]: W[K] extends (...args: never[]) => infer O ? O : never;
};

/** Any operation's name within its type (`listKeys`): a fixed union, through which G is still inferred. */
type AnyOperation = { [T in ContractType]: keyof (typeof CONTRACTS)[T] }[ContractType];

/** Declares a plugin; the loader validates the manifest and checks the handlers against `types`. */
export function definePlugin<
  const M extends ManifestLiteral,
  // H is inferred from the action handlers as written, for their results. Its constraint refuses a
  // handler for an undeclared action, which `& { actions?: H }` would let through; it has no default,
  // as one would make TypeScript type the handlers before M is inferred (a contract handler's literal
  // result widened to string).
  H extends { [K in keyof H]: K extends ActionNames<M> ? unknown : never },
  // G is inferred from the contract types' handler groups as written, for which handlers there are
  // and what they return. Through mapped types over its own keys that are groups and operations, as
  // `& G` would make every key of the definition a known one, and a misspelt one (`autorizer`,
  // `histogrm`) no longer an excess property. Those keys are filtered by fixed unions: TypeScript
  // infers nothing through a mapped type whose keys are filtered by a generic one (the manifest's
  // types, or the type's own operations), so an operation of another type is refused by `never`.
  // The webhook group has no fixed union of names to filter by: its results are not kept.
  G,
>(
  definition: PluginDefinitionInput<M> & { actions?: H } & {
    [T in keyof G & ContractType]?: {
      [O in keyof G[T] & AnyOperation]: O extends keyof (typeof CONTRACTS)[T] ? G[T][O] : never;
    };
  },
): TypedPlugin<M, Results<H, G>> {
  return Object.assign(definition as unknown as TypedPlugin<M, Results<H, G>>, { [PLUGIN_MARK]: true });
}

export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === 'object' && value !== null && 'manifest' in value;
}
