import type * as z from 'zod';
import type { FieldError } from '../sdk/errors';
import { pointerSegment } from '../sdk/params';

/**
 * Parse options for every check whose issues become field errors: a missing field reads
 * "Required: expected string" where zod says "Invalid input: expected string, received undefined",
 * which reads as a value of the wrong type. Given per parse, not through `z.config`, because the
 * platform shares its zod with the plugins it runs locally.
 */
export const FIELD_CHECK: { readonly error: z.core.$ZodErrorMap } = {
  error: (issue) =>
    issue.code === 'invalid_type' && issue.input === undefined
      ? `Required: expected ${issue.expected}`
      : undefined,
};

/** Turns a zod error into field errors located by JSON pointers under `base`. */
export function zodFieldErrors(error: z.ZodError, base = ''): FieldError[] {
  return error.issues.slice(0, 20).map((issue) => ({
    pointer: base + issue.path.map((p) => `/${pointerSegment(String(p))}`).join('') || '/',
    detail: issue.message,
  }));
}
