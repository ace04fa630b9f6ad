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

/** What was wrong at one place of a checked value: its keys from the value's root, and why. */
export interface IssueAt {
  readonly path: readonly PropertyKey[];
  readonly detail: string;
}

/**
 * The first 20 things a zod error says were wrong, each at its place. From the value that was
 * checked, a missing field reads "Required: expected string" where zod says "Invalid input: expected
 * string, received undefined", which reads as a value of the wrong type (and "Required: expected one
 * of "a"|"b"" for a missing choice, where zod says "Invalid option"); an unknown field is put at its
 * own place, where zod reports it at its object. (Asked of the value after a failed parse: an error
 * map passed to every parse made zod's parse of an envelope 4-6 × slower.)
 */
export function zodIssues(error: z.ZodError, input: unknown): IssueAt[] {
  // Issues past the 20th cannot be among the first 20 places, since each gives one place or more.
  return error.issues
    .slice(0, 20)
    .flatMap((issue): IssueAt[] =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ path: [...issue.path, key], detail: 'Unknown field' }))
        : [
            {
              path: issue.path,
              detail: inJsonTerms(
                absentAt(input, issue.path) ? (required(issue) ?? issue.message) : issue.message,
              ),
            },
          ],
    )
    .slice(0, 20);
}

/** `zodIssues` as field errors located by JSON pointers under `base`. */
export function zodFieldErrors(error: z.ZodError, base: string, input: unknown): FieldError[] {
  return zodIssues(error, input).map(({ path, detail }) => ({
    pointer: base + path.map((p) => `/${pointerSegment(String(p))}`).join(''),
    detail,
  }));
}

/**
 * zod names a key-value schema a "record", which is no JSON type: the client sent or left out an
 * object. (Its other type names, string, number, array, object and the rest, are JSON's already.)
 */
const inJsonTerms = (detail: string): string => detail.replace(/\bexpected record\b/, 'expected object');

/** What a missing field should have held, for the issues zod raises when a value is absent. */
function required(issue: z.core.$ZodIssue): string | undefined {
  // A field that takes any value (z.unknown()) is "nonoptional" to zod.
  if (issue.code === 'invalid_type' && issue.expected === 'nonoptional')
    return 'Required: expected any JSON value';
  if (issue.code === 'invalid_type') return `Required: expected ${issue.expected}`;
  if (issue.code !== 'invalid_value') return undefined;
  const values = issue.values.map((value) =>
    typeof value === 'string' ? JSON.stringify(value) : String(value),
  );
  return `Required: expected ${values.length === 1 ? values[0] : `one of ${values.join('|')}`}`;
}
