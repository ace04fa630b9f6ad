import * as z from 'zod';
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
 * The fields known to the object of each unknown-field issue, by the issue's `keys`, which zod
 * hands on to the finished issue as they are. zod drops the schema from an issue as it finishes it,
 * and the platform's checks hand on only the error; the last error map zod asks sees the schema, so
 * it leaves the names here and says nothing, which keeps zod's own message. zod asks it only for a
 * failed parse's issues, so a parse that passes costs nothing more, and not for a schema that words
 * its own errors, whose unknown fields are then named without the list.
 */
const knownFields = new WeakMap<readonly string[], readonly string[]>();
const otherMap = z.config().customError;
z.config({
  customError: (issue) => {
    if (issue.code === 'unrecognized_keys' && issue.inst) {
      const { def } = (issue.inst as z.core.$ZodType)._zod;
      if (def.type === 'object')
        knownFields.set(issue.keys, Object.keys((def as z.core.$ZodObjectDef).shape));
    }
    return otherMap?.(issue);
  },
});

/** How many known fields an unknown field's detail lists, as a reminder rather than a schema. */
const LISTED_FIELDS = 20;

/** An unknown field's detail, with the fields its object knows when the schema said them. */
function unknownField(keys: readonly string[]): string {
  const known = knownFields.get(keys);
  if (!known) return 'Unknown field';
  const more = known.length > LISTED_FIELDS ? `, and ${known.length - LISTED_FIELDS} more` : '';
  return `Unknown field; known: ${known.slice(0, LISTED_FIELDS).join(', ') || 'none'}${more}`;
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
        ? issue.keys.map((key) => ({ path: [...issue.path, key], detail: unknownField(issue.keys) }))
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
