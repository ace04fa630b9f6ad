import type * as z from 'zod';
import type { FieldError } from '../sdk/errors';
import { pointerSegment } from '../sdk/params';

/** Turns a zod error into field errors located by JSON pointers under `base`. */
export function zodFieldErrors(error: z.ZodError, base = ''): FieldError[] {
  return error.issues.slice(0, 20).map((issue) => ({
    pointer: base + issue.path.map((p) => `/${pointerSegment(String(p))}`).join('') || '/',
    detail: issue.message,
  }));
}
