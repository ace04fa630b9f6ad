import * as z from 'zod';
import { zodFieldErrors } from '../core/zod-errors';
import { PlugboardError } from '../sdk/errors';

/** A field checked as it goes into a registry item: its parsed value, or Validation naming `what`. */
export function check<T>(schema: z.ZodType<T>, value: unknown, what: string, pointer = ''): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new PlugboardError('Validation', `${what} is not valid`, {
      errors: zodFieldErrors(result.error, pointer, value),
    });
  }
  return result.data;
}

export const slug = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, 'must be a plugin slug: a-z, 0-9 and "-", at most 64');
/** No "#": it separates the parts of a key, so a name must never contain it. */
export const instanceName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/,
    'must be 1-128 of A-Z, a-z, 0-9, ".", "_", "-", starting alphanumeric',
  );

export const checkSlug = (value: unknown): string => check(slug, value, 'the plugin slug');
export const checkInstanceName = (value: unknown): string => check(instanceName, value, 'the instance name');
