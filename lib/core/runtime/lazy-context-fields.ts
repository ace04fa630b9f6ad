import type { PluginContext, PluginLogger, PluginStore } from '../../sdk/context';

/** How one call makes the ctx fields a handler may never read; each is made once, on first read. */
export interface LazyFieldMakers {
  signal(): AbortSignal;
  store(): PluginStore;
  log(): PluginLogger;
  publish(): PluginContext['publish'];
}

type LazyName = keyof LazyFieldMakers;

/** One call's makers, and what they made. */
interface LazyFields {
  readonly makers: LazyFieldMakers;
  readonly made: { -readonly [K in LazyName]?: ReturnType<LazyFieldMakers[K]> };
}

/**
 * Where a ctx keeps its call's lazy fields: a key no handler spells, not enumerable, so that neither
 * Object.keys, a spread nor JSON shows it. A symbol rather than a private field: a getter reads it
 * through `this`, which is a Proxy or an object made with `Object.create` when a handler wraps its
 * ctx so, and a private field is not found through either.
 */
const LAZY = Symbol('lazy ctx fields');

function read<K extends LazyName>(target: object, name: K): ReturnType<LazyFieldMakers[K]> {
  const { makers, made } = (target as { [LAZY]: LazyFields })[LAZY];
  made[name] ??= makers[name]() as never;
  return made[name] as ReturnType<LazyFieldMakers[K]>;
}

/**
 * The same getter functions for every call. Written into the ctx literal (`get log() {...}`), each
 * call's getters were closures of their own, and V8 gave each ctx a hidden class of its own: made in
 * old space, so a plugin's worker promoted ~1.5 KB a call, scavenged four times as often and spent
 * about as long in its collector as in its code (bench/README.md, "The invoke path").
 */
const accessors = Object.fromEntries(
  (['signal', 'store', 'log', 'publish'] as const).map((name) => [
    name,
    Object.freeze({
      get(this: object) {
        return read(this, name);
      },
      enumerable: true,
      configurable: true,
    }),
  ]),
) as Record<LazyName, PropertyDescriptor>;

/**
 * Defines a ctx field as a getter (enumerable, without a setter, as a literal's `get` is) that makes
 * it with the call's maker when first read, once `lendLazyFields` has lent the object its makers.
 */
export function defineLazy(target: object, name: LazyName): void {
  Object.defineProperty(target, name, accessors[name]);
}

/** Lends `target` its call's makers, for the fields `defineLazy` then defines on it. */
export function lendLazyFields(target: object, makers: LazyFieldMakers): void {
  Object.defineProperty(target, LAZY, { value: { makers, made: {} } satisfies LazyFields });
}
