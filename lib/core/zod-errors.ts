import type * as z from 'zod';
import type { FieldError } from '../sdk/errors';
import { pointerSegment } from '../sdk/params';

/** Whether the checked value has nothing at `path`: an absent key, or `undefined`. */
function absentAt(input: unknown, path: readonly PropertyKey[]): boolean {
  let value = input;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return true;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value === undefined;
}

/**
 * Turns a zod error into field errors located by JSON pointers under `base`. From the value that was
 * checked, a missing field reads "Required: expected string" where zod says "Invalid input: expected
 * string, received undefined", which reads as a value of the wrong type (and "Required: expected one
 * of "a"|"b"" for a missing choice, where zod says "Invalid option"). (Asked of the value after a
 * failed parse: an error map passed to every parse made zod's parse of an envelope 4-6 × slower.)
 */
export function zodFieldErrors(error: z.ZodError, base: string, input: unknown): FieldError[] {
  const pointer = (path: readonly PropertyKey[]) =>
    base + path.map((p) => `/${pointerSegment(String(p))}`).join('') || '/';
  // At most 20 errors: issues past the 20th cannot reach them, since each gives one error or more.
  return error.issues
    .slice(0, 20)
    .flatMap((issue): FieldError[] =>
      // zod reports unknown keys at their object; each is pointed at itself, where the client put it.
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ pointer: pointer([...issue.path, key]), detail: 'Unknown field' }))
        : [
            {
              pointer: pointer(issue.path),
              detail: absentAt(input, issue.path) ? (required(issue) ?? issue.message) : issue.message,
            },
          ],
    )
    .slice(0, 20);
}

/** What a missing field should have held, for the issues zod raises when a value is absent. */
function required(issue: z.core.$ZodIssue): string | undefined {
  if (issue.code === 'invalid_type') return `Required: expected ${issue.expected}`;
  if (issue.code !== 'invalid_value') return undefined;
  const values = issue.values.map((value) =>
    typeof value === 'string' ? JSON.stringify(value) : String(value),
  );
  return `Required: expected ${values.length === 1 ? values[0] : `one of ${values.join('|')}`}`;
}
