/**
 * What a manifest literal declares, read at the type level: the types a plugin is typed from (its
 * handlers by definePlugin, its callers by the testing kit). Type-only; the loader checks the value.
 */
import type { OperationName } from './contracts';
import type { ManifestInput, PluginType } from './manifest';

/** Lets `definePlugin<const M>` accept the readonly literal types a const type parameter infers. */
type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
export type ManifestLiteral = DeepReadonly<ManifestInput>;

export type DeclaredTypes<M> = M extends { types: readonly (infer T)[] } ? T & PluginType : never;
export type ActionNames<M> = M extends { actions: readonly { name: infer N }[] } ? N & string : never;
export type WebhookActionNames<M> = M extends { webhookActions: readonly { name: infer N }[] }
  ? N & string
  : never;
export type DeclaredAction<M, N> = M extends { actions: readonly (infer A)[] }
  ? Extract<A, { name: N }>
  : never;
/**
 * The operations of the declared types (a webhook has none). Indexed out of a mapped type, so an
 * error lists the names rather than naming this alias.
 */
export type DeclaredOperations<M> = {
  [T in DeclaredTypes<M>]: Extract<OperationName, `${T}.${string}`>;
}[DeclaredTypes<M>];

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
export type Flat<T> = T extends unknown ? { [K in keyof T]: T[K] } : never;
/** An action handler's params as checkParams hands them over: no other keys. */
export type ActionParams<A> = Flat<
  { [P in PresentParams<A> as ParamName<P>]: ParamValue<P> } & {
    [P in AbsentParams<A> as ParamName<P>]?: ParamValue<P>;
  }
>;

/** An action's params as a caller gives them: required ones required, no secret, no other keys. */
export type CallerParams<A> = NoExtraKeys<
  { [P in Arriving<ParamList<A, 'requiredParams'>> as ParamName<P>]: ParamValue<P> } & {
    [P in Arriving<ParamList<A, 'optionalParams'>> as ParamName<P>]?: ParamValue<P>;
  }
>;
// One object type, so an error shows the params; Record<string, never> rather than {} for none, as
// TypeScript checks no excess keys against an empty object type.
type NoExtraKeys<T> = [keyof T] extends [never] ? Record<string, never> : Flat<T>;
