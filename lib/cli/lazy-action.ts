/**
 * A command's action that imports its code only when the command runs: the declarations stay cheap,
 * so `--help`, `--version` and each command load none of the others' code (the conformance kit, the
 * platform, zod). `load` must be an `import()` of a literal path, which bin/run.mjs's build makes a
 * chunk of its own.
 */
export function lazyAction<Name extends string>(
  load: () => Promise<Record<Name, (...args: never[]) => unknown>>,
  name: Name,
): (...args: unknown[]) => Promise<void> {
  // Commander passes the command's arguments, its options and the command, as the action declares them.
  return async (...args) => {
    await Reflect.apply((await load())[name], undefined, args);
  };
}
