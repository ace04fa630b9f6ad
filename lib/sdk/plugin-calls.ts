/**
 * A plugin's callers, typed from the plugin: the names each kind of call may give, and a name's input
 * and result. A plugin made by definePlugin is typed from its own definition; a plain
 * PluginDefinition (one loaded at run time) takes what the run-time checks take.
 */
import type { OperationInput, OperationName, OperationOutput } from './contracts';
import type { PluginDefinition, TypedPlugin } from './define-plugin';
import type { ActionNames, CallerParams, DeclaredAction, DeclaredOperations, Flat } from './manifest-literal';

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

/** The calls of a plugin with manifest M whose action handlers return R, by kind; N is the name called. */
interface TypedCalls<M, R, N> {
  action: {
    name: ActionNames<M>;
    input: CallerParams<DeclaredAction<M, N>>;
    result: AsJson<Awaited<N extends keyof R ? R[N] : unknown>>;
  };
  operation: {
    name: DeclaredOperations<M>;
    input: OperationInput<Extract<N, OperationName>>;
    result: OperationOutput<Extract<N, OperationName>>;
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

/** Call N of kind K as its caller sees it: the names it may give, the input it gives, the result it gets. */
export type Call<D extends PluginDefinition, K extends CallKind, N> =
  D extends TypedPlugin<infer M, infer R> ? TypedCalls<M, R, N>[K] : LooseCalls<N>[K];

/**
 * The names a call of kind K may give: a typed plugin's own, any on a plugin loaded at run time.
 * (What names a call may give does not depend on the name it gives: `never` stands in for it.)
 */
export type CallName<D extends PluginDefinition, K extends CallKind> = Call<D, K, never>['name'];
