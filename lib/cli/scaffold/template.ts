/** What `plugboard new` writes for one plugin type; `__SLUG__` and `__NAME__` are filled in. */
export interface TypeTemplate {
  /** Names imported from plugboard/sdk besides definePlugin. */
  readonly sdkImports: readonly string[];
  /** Declarations between the imports and the definition. */
  readonly preamble: string;
  /** Manifest properties after apiVersion (types, options, actions, ...). */
  readonly manifest: string;
  /** The handler properties of the definition. */
  readonly handlers: string;
  /** One `it(...)` block exercising the handlers, beside the conformance test. */
  readonly test: string;
  /** What the README suggests invoking: an operation or action and its input. */
  readonly invoke: { readonly target: string; readonly json: string };
}
