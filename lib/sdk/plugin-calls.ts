/**
 * A plugin's callers, typed from the plugin: the names each kind of call may give, and a name's input
 * and result. A plugin made by definePlugin is typed from its own definition; a plain
 * PluginDefinition (one loaded at run time) takes what the run-time checks take.
 */
import type { ContractType, OperationInput, OperationName, OperationOutput } from './contracts';
import type { GroupResults, HandledOperations, PluginDefinition, TypedPlugin } from './define-plugin';
import type { ActionNames, CallerParams, DeclaredAction, DeclaredTypes, Flat } from './manifest-literal';

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

/** The operations a plugin has handlers for: those its declared types require, and the optional ones given. */
type Operations<M, R> = TypeOperations<DeclaredTypes<M> & ContractType, R>;
type TypeOperations<T, R> = T extends ContractType ? `${T}.${HandledOperations<R, T> & string}` : never;

/** What handler N of group G returns, as written. */
type Result<R, G extends string, N> = N extends keyof GroupResults<R, G> ? GroupResults<R, G>[N] : unknown;
/** An operation's result: its contract's output, or the handler's as JSON gives it back where the contract says nothing. */
type OperationResult<R, N extends OperationName> =
  unknown extends OperationOutput<N>
    ? N extends `${infer T}.${infer O}`
      ? AsJson<Awaited<Result<R, T, O>>>
      : never
    : OperationOutput<N>;

/** The calls of a plugin with manifest M whose handlers return R, by kind; N is the name called. */
interface TypedCalls<M, R, N> {
  action: {
    name: ActionNames<M>;
    input: CallerParams<DeclaredAction<M, N>>;
    result: AsJson<Awaited<Result<R, 'actions', N>>>;
  };
  operation: {
    // `& string` makes the union anew, so an error lists the names rather than naming the alias.
    name: Operations<M, R> & string;
    input: OperationInput<Extract<N, OperationName>>;
    result: OperationResult<R, Extract<N, OperationName>>;
  };
}
/** The calls of a plugin loaded at run time: any action, any contract's operation, checked at run time. */
interface LooseCalls<N> {
  action: { name: string; input: Record<string, unknown>; result: unknown };
  operation: {
    name: OperationName;
    input: Record<string, unknown>;
    result: OperationOutput<Extract<N, OperationName>>;
  };
}
export type CallKind = keyof LooseCalls<never>;

/**
 * Call N of kind K as its caller sees it: the names it may give, the input it gives, the result it
 * gets. A name it may not give takes any input, so that the error is the name's alone.
 */
export type Call<D extends PluginDefinition, K extends CallKind, N> = Named<
  D extends TypedPlugin<infer M, infer R> ? TypedCalls<M, R, N>[K] : LooseCalls<N>[K],
  N
>;
type Named<C extends { name: unknown }, N> = [N] extends [C['name']]
  ? C
  : { name: C['name']; input: unknown; result: never };

/**
 * The names a call of kind K may give: a typed plugin's own, any on a plugin loaded at run time.
 * (What names a call may give does not depend on the name it gives: `never` stands in for it.)
 */
export type CallName<D extends PluginDefinition, K extends CallKind> = Call<D, K, never>['name'];

/**
 * The type of a call's name parameter, for a name N inferred unchecked: N itself when the call
 * takes it, else the names it takes. Checked there rather than by N's constraint, as a name that
 * failed the constraint would be replaced by all of them, whose inputs then report a missing
 * argument rather than the name.
 */
export type NameArgument<D extends PluginDefinition, K extends CallKind, N> =
  N extends CallName<D, K> ? N : CallName<D, K>;
