/**
 * What a test context is made of, typed from the plugin's manifest literal when it is given one: the
 * options an instance may be given and the credentials it declares, and the context's own options
 * and credentials as its handlers take them.
 */
import type { CallContext } from '../sdk/context';
import type {
  CheckedCredentials,
  CredentialName,
  InstanceOptions,
  ManifestLiteral,
  OptionsInput,
  RequiredCredentialName,
  UncheckedCredentials,
} from '../sdk/manifest-literal';
import type { MemoryStore } from './memory-store';
import type { TestContext } from './test-context';

/**
 * What a test context is made of. Given a manifest M, its options are checked against it and filled
 * with its defaults, as the platform does; its literal also types them (those an instance may set,
 * the required ones required) and the credentials C (the names it declares). Without one, any.
 */
export type TestContextInit<
  M extends ManifestLiteral | undefined = ManifestLiteral | undefined,
  C = Record<string, string>,
> = TestContextParts & { manifest?: M; credentials?: C & UnknownNames<M, C> } & OptionsArgument<M>;

/** Options as an instance is given them; required when the manifest requires one. */
type OptionsArgument<M> = M extends ManifestLiteral
  ? // biome-ignore lint/complexity/noBannedTypes: `{} extends P` is how a type says P requires no key
    {} extends OptionsInput<M>
    ? { options?: OptionsInput<M> }
    : { options: OptionsInput<M> }
  : { options?: Record<string, unknown> };
/**
 * A credential the manifest does not declare, refused: its value is never. Names a Record<string,
 * string> does not say are left to the run time, where the handler's type takes no more than those
 * the manifest declares.
 */
type UnknownNames<M, C> = M extends ManifestLiteral
  ? string extends keyof C
    ? unknown
    : { [N in Exclude<keyof C, CredentialName<M>>]: never }
  : unknown;

/**
 * A test context's credentials: the checked ones a caller's call or a webhook action gets if C holds
 * every required one (it may be passed to any handler), else the unchecked ones of the platform's
 * other calls (it may be passed to those handlers, and to callAction and callOperation, which answer
 * CredentialsMissing as the runtime does).
 */
export type TestCredentials<M, C> = [RequiredCredentialName<M>] extends [GivenName<C>]
  ? CheckedCredentials<M>
  : UncheckedCredentials<M>;
/** The names C surely holds: none if its type does not say which (a Record<string, string>). */
type GivenName<C> = string extends keyof C
  ? never
  : { [N in keyof C]-?: undefined extends C[N] ? never : N }[keyof C];

interface TestContextParts {
  context?: CallContext;
  plugin?: string;
  instance?: string;
  /** @default 10_000 ms from now, or the manifest's timeoutSeconds */
  timeoutMs?: number;
  /** Share one store between contexts to keep state across calls, as an instance does. */
  store?: MemoryStore;
}

/** A test context typed from the manifest literal M, as the handlers of a plugin with it take one. */
export type TypedTestContext<M extends ManifestLiteral | undefined, C> = M extends ManifestLiteral
  ? TestContext<InstanceOptions<M>, TestCredentials<M, C>>
  : TestContext;

/** The init, which may be left out when it needs nothing. */
export type InitArgument<M extends ManifestLiteral | undefined, C> =
  // biome-ignore lint/complexity/noBannedTypes: `{} extends P` is how a type says P requires no key
  {} extends TestContextInit<M, C> ? [init?: TestContextInit<M, C>] : [init: TestContextInit<M, C>];
