import type { PluginContext } from './context';
import type { CONTRACTS, InputOf, OutputOf, WebhookCall } from './contracts';
import type { EventDelivery } from './events';
import type { PluginType } from './manifest';
import type {
  ActionNames,
  ActionParams,
  DeclaredAction,
  DeclaredTypes,
  ManifestLiteral,
  WebhookActionNames,
} from './manifest-literal';

export type { ManifestLiteral } from './manifest-literal';

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

/**
 * A handler of an action. The runtime checks the params against the manifest before the call, so a
 * handler typed for its own action's params is one too: a method's parameters are compared both ways.
 */
export type ActionHandler = {
  handle(ctx: PluginContext, params: Record<string, unknown>): Awaitable<unknown>;
}['handle'];
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
  /** Readonly, so a typed plugin's manifest literal is one, and can be given to definePlugin again. */
  manifest: ManifestLiteral;
}

export const PLUGIN_MARK = Symbol.for('plugboard.plugin');

// Type-only: no value holds it, so a typed plugin is the very object the platform runs.
declare const PLUGIN_TYPES: unique symbol;

/**
 * A plugin as definePlugin returns it: a PluginDefinition that keeps its manifest literal, types each
 * action handler by its action, and carries what each one returns, so its callers (a direct call, the
 * testing kit) are typed from the plugin.
 */
export interface TypedPlugin<M extends ManifestLiteral, R> extends PluginDefinition {
  manifest: M;
  actions: TypedActions<M, R>;
  readonly [PLUGIN_TYPES]: { returns: R };
}

/**
 * The action handlers as a direct call sees them: the params as checkParams hands them over (a
 * direct call skips it, so a param with a default is the caller's to give) and the result as written.
 */
type TypedActions<M, R> = [ActionNames<M>] extends [never]
  ? Record<string, never> | undefined
  : {
      [A in ActionNames<M>]: (
        ctx: PluginContext,
        params: ActionParams<DeclaredAction<M, A>>,
      ) => A extends keyof R ? R[A] : unknown;
    };

/** What each action handler returns, as written. */
type Returns<H> = { [A in keyof H]: H[A] extends (...args: never[]) => infer O ? O : never };

/** Declares a plugin; the loader validates the manifest and checks the handlers against `types`. */
export function definePlugin<
  const M extends ManifestLiteral,
  // H is inferred from the action handlers as written, for their results. Its constraint refuses a
  // handler for an undeclared action, which `& { actions?: H }` would let through; it has no default,
  // as one would make TypeScript type the handlers before M is inferred (a contract handler's literal
  // result widened to string).
  H extends { [K in keyof H]: K extends ActionNames<M> ? unknown : never },
>(definition: PluginDefinitionInput<M> & { actions?: H }): TypedPlugin<M, Returns<H>> {
  return Object.assign(definition as unknown as TypedPlugin<M, Returns<H>>, { [PLUGIN_MARK]: true });
}

export function isPluginDefinition(value: unknown): value is PluginDefinition {
  return typeof value === 'object' && value !== null && 'manifest' in value;
}
