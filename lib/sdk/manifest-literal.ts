/**
 * What a manifest literal declares, read at the type level: the types a plugin is typed from (its
 * handlers by definePlugin, its callers by the testing kit). Type-only; the loader checks the value.
 */
import type { ManifestInput, PluginType } from './manifest';

/** Lets `definePlugin<const M>` accept the readonly literal types a const type parameter infers. */
type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
export type ManifestLiteral = DeepReadonly<ManifestInput>;

/**
 * The entries of list K of T (a manifest or an action); none when T has no such key. Read through
 * NonNullable, so a manifest whose type is not a literal (`const m: ManifestInput`), where each list is
 * optional, still gives its entries' type.
 */
type Entry<T, K extends string> = T extends unknown
  ? K extends keyof T
    ? NonNullable<T[K]> extends readonly (infer E)[]
      ? E
      : never
    : never
  : never;
/**
 * Whether the manifest's type says which entries list K holds (each list, for a union of keys): a
 * literal's tuple does, an array type (a manifest whose type is not a literal) does not, and then
 * only the run-time checks can tell.
 */
export type KeepsEntries<M, K extends string> = K extends keyof M
  ? NonNullable<M[K]> extends readonly unknown[]
    ? number extends NonNullable<M[K]>['length']
      ? false
      : true
    : true
  : true;

export type DeclaredTypes<M> = Entry<M, 'types'> & PluginType;
/** Names of the entries of list K: their literals, or `string` when the manifest's type keeps none. */
type EntryNames<M, K extends string> = NameOf<Entry<M, K>>;
type NameOf<E> = E extends { name: infer N } ? N & string : never;
export type ActionNames<M> = EntryNames<M, 'actions'>;
export type WebhookActionNames<M> = EntryNames<M, 'webhookActions'>;
/** Action N's declaration; on a manifest whose type keeps no action names, the type of any action. */
export type DeclaredAction<M, N> =
  string extends ActionNames<M> ? Entry<M, 'actions'> : Extract<Entry<M, 'actions'>, { name: N }>;

/** What a param of each type holds once checkParams has accepted it; a secret, in the credentials. */
interface ParamTypeValues {
  string: string;
  integer: number;
  boolean: boolean;
  mapping: Record<string, string>;
  secret: string;
}
/**
 * A param's value: its choices' literals when the manifest literal keeps them, else its type's value.
 * A credential field has no type: its value is a string, as a secret option's.
 */
type ParamValue<P> = P extends { type: infer T extends keyof ParamTypeValues }
  ? P extends { choices: readonly (infer C)[] }
    ? Extract<C, ParamTypeValues[T]>
    : ParamTypeValues[T]
  : string;
type ParamList<A, K extends 'requiredParams' | 'optionalParams'> = Entry<A, K>;
// checkParams refuses a secret from a caller and has no default to fill one in: it never arrives.
// A secret option is set with the credentials, and a handler reads it from ctx.credentials.
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
/**
 * Params P whose names the manifest's type does not keep (it is not a literal): any (Loose), as the
 * handlers of a plugin loaded at run time take them, for checkParams to check.
 */
type Unnamed<P, Named, Loose = Record<string, unknown>> = string extends ParamName<P> ? Loose : Named;
/** Params as checkParams hands them over: the Present ones, maybe the Absent ones, no other keys. */
type CheckedParams<Present, Absent, Loose = Record<string, unknown>> = Unnamed<
  Present | Absent,
  Flat<
    { [P in Present as ParamName<P>]: ParamValue<P> } & {
      [P in Absent as ParamName<P>]?: ParamValue<P>;
    }
  >,
  Loose
>;
/** An action handler's params as checkParams hands them over: no other keys. */
export type ActionParams<A> = CheckedParams<PresentParams<A>, AbsentParams<A>>;

/**
 * Required options, which an instance is refused without, and those with a default, which the
 * runtime fills in on every call (optionsFit).
 */
type PresentOption = { required: true } | { default: unknown };
/**
 * A handler's ctx.options: the instance's options, which checkParams checked when the instance was
 * written and checks again on every call against the plugin's current version (optionsFit), over
 * the manifest's defaults; no other keys.
 */
export type InstanceOptions<M> = CheckedParams<
  Arriving<Extract<Entry<M, 'options'>, PresentOption>>,
  Arriving<Exclude<Entry<M, 'options'>, PresentOption>>
>;

/**
 * What an instance's credentials hold (credentialFields): the manifest's credentials and its secret
 * options. A credential is required unless `required: false`, a secret option only if `required: true`.
 */
type Credential<M> = Entry<M, 'credentials'> | Extract<Entry<M, 'options'>, { type: 'secret' }>;
type RequiredCredential<M> =
  // With its name: a type of optional keys only matches no entry without one of them (a weak type).
  | Extract<Entry<M, 'credentials'>, { name: string; required?: true }>
  | Extract<Entry<M, 'options'>, { type: 'secret'; required: true }>;
/** The names an instance's credentials may hold; any (`string`) where the manifest is not a literal. */
export type CredentialName<M> = NameOf<Credential<M>>;
/** Those a caller's call needs (needsCredentials). */
export type RequiredCredentialName<M> = NameOf<RequiredCredential<M>>;
/** A manifest whose type is not a literal: any names, as the runtime resolves them. */
type AnyCredentials = Record<string, string>;
/**
 * A handler's ctx.credentials where the runtime checks the required ones are set (needsCredentials:
 * a caller's operation, action or http call, a webhook action), or answers CredentialsMissing: those
 * present, the optional ones maybe; no other keys.
 */
export type CheckedCredentials<M> = CheckedParams<
  RequiredCredential<M>,
  Exclude<Credential<M>, RequiredCredential<M>>,
  AnyCredentials
>;
/**
 * ctx.credentials in the other handlers (lifecycle hooks, events, guards), which run
 * whether or not the instance's credentials are set: each one maybe.
 */
export type UncheckedCredentials<M> = CheckedParams<never, Credential<M>, AnyCredentials>;

/** An action's params as a caller gives them: required ones required, no secret, no other keys. */
export type CallerParams<A> = GivenParams<ParamList<A, 'requiredParams'>, ParamList<A, 'optionalParams'>>;

/**
 * The options an instance may be given (checkParams checks them when it is written): a required one
 * without a default required, the others optional, no secret (a credential), no other keys.
 */
export type OptionsInput<M> = GivenParams<NeededOption<M>, Exclude<Entry<M, 'options'>, NeededOption<M>>>;
type NeededOption<M> = Exclude<Extract<Entry<M, 'options'>, { required: true }>, { default: unknown }>;

/** Params as a caller gives them to checkParams: the Required ones, maybe the Optional ones, no secret. */
type GivenParams<Required, Optional> = Unnamed<
  Required | Optional,
  NoExtraKeys<
    { [P in Arriving<Required> as ParamName<P>]: ParamValue<P> } & {
      [P in Arriving<Optional> as ParamName<P>]?: ParamValue<P>;
    }
  >
>;
// One object type, so an error shows the params; Record<string, never> rather than {} for none, as
// TypeScript checks no excess keys against an empty object type.
type NoExtraKeys<T> = [keyof T] extends [never] ? Record<string, never> : Flat<T>;
