import type * as z from 'zod';
import type { PluginContext } from '../sdk/context';
import { type CONTRACTS, type ContractType, type OperationName, operationSpec } from '../sdk/contracts';
import type { PluginDefinition } from '../sdk/define-plugin';
import { NotFoundError, PlugboardError, ValidationError } from '../sdk/errors';
import { ManifestSchema } from '../sdk/manifest';
import { checkParams, pointerSegment } from '../sdk/params';

type Contracts = typeof CONTRACTS;
/** What a client receives from an operation: the contract's output with its defaults filled in. */
export type OperationOutput<N extends OperationName> = N extends `${infer T extends ContractType}.${infer O}`
  ? O extends keyof Contracts[T]
    ? Contracts[T][O] extends { output: z.ZodType }
      ? z.output<Contracts[T][O]['output']>
      : never
    : never
  : never;

type AnyHandler = (ctx: PluginContext, input: unknown) => unknown;

const pointer = (base: string, path: readonly PropertyKey[]): string =>
  `${base}${path.map((s) => `/${pointerSegment(String(s))}`).join('')}`;

/**
 * Calls an action as the platform would: params checked against the manifest (required ones
 * enforced, optional ones filled with their defaults), then the handler.
 */
export async function callAction(
  definition: PluginDefinition,
  ctx: PluginContext,
  name: string,
  params: Record<string, unknown> = {},
): Promise<unknown> {
  const manifest = ManifestSchema.parse(definition.manifest);
  const action = manifest.actions.find((a) => a.name === name);
  const handler = definition.actions?.[name];
  if (!action || !handler) throw new NotFoundError(`${manifest.slug} has no action "${name}"`);
  const declared = [
    ...action.requiredParams.map((p) => ({ ...p, required: true })),
    ...action.optionalParams,
  ];
  const checked = checkParams(declared, params, '/params');
  if (checked.errors.length > 0)
    throw new ValidationError(`params of "${name}" are not valid`, checked.errors);
  return handler(ctx, checked.values);
}

/**
 * Calls an operation as the platform would: input parsed by its contract (defaults filled in),
 * then the handler, whose output must satisfy the contract or the call fails with PluginFailed.
 */
export async function callOperation<N extends OperationName>(
  definition: PluginDefinition,
  ctx: PluginContext,
  name: N,
  input: Record<string, unknown> = {},
): Promise<OperationOutput<N>> {
  const [type, op] = name.split('.') as [ContractType, string];
  const spec = operationSpec(name);
  const handler = (definition[type] as Record<string, AnyHandler | undefined> | undefined)?.[op];
  if (!spec || !handler) throw new NotFoundError(`the plugin has no operation "${name}"`);
  const parsedInput = spec.input.safeParse(input);
  if (!parsedInput.success) {
    const errors = parsedInput.error.issues.map((i) => ({
      pointer: pointer('/input', i.path),
      detail: i.message,
    }));
    throw new ValidationError(`input of "${name}" is not valid`, errors);
  }
  const output = spec.output.safeParse(await handler(ctx, parsedInput.data));
  if (!output.success) {
    const where = output.error.issues.map((i) => `${pointer('', i.path) || '/'}: ${i.message}`).join('; ');
    throw new PlugboardError('PluginFailed', `output of "${name}" breaks its contract: ${where}`);
  }
  return output.data as OperationOutput<N>;
}
