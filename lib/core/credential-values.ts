import * as z from 'zod';
import { PlugboardError, ValidationError } from '../sdk/errors';

/**
 * What every CredentialStore accepts, so the local file and Secrets Manager refuse the same input.
 * The values are kept as one JSON object, which must fit one Secrets Manager SecretString; the names,
 * joined by spaces, must fit one Secrets Manager tag value (the secret's `plugboard:fields` tag); refs fit a
 * secret's name. Messages describe the shape and sizes only: a zod message could quote a value.
 */

/** Secrets Manager's limit on a SecretString, in bytes: the values' JSON must fit in it. */
export const MAX_CREDENTIAL_JSON_BYTES = 65_536;
/** Secrets Manager's limit on a tag value: the names, sorted and joined by spaces, must fit in it. */
export const MAX_CREDENTIAL_NAMES_LENGTH = 256;

const FieldNameSchema = z.string().regex(/^[A-Za-z0-9_.:/=+@-]{1,128}$/);
const ValuesSchema = z.record(FieldNameSchema, z.string());
const RefSchema = z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/);

/** The values, or a ValidationError at /values (the credentials request's field) saying what is wrong. */
export function checkCredentialValues(values: unknown): Record<string, string> {
  const parsed = ValuesSchema.safeParse(values);
  if (!parsed.success) {
    refuse(
      'credentials must be an object of string values whose names are 1-128 of A-Z a-z 0-9 _ . : / = + @ -',
    );
  }
  const names = Object.keys(parsed.data).sort().join(' ');
  if (names.length > MAX_CREDENTIAL_NAMES_LENGTH) {
    refuse(
      `the credential names take ${names.length} characters joined by spaces; at most ${MAX_CREDENTIAL_NAMES_LENGTH} are kept`,
    );
  }
  const bytes = Buffer.byteLength(JSON.stringify(parsed.data));
  if (bytes > MAX_CREDENTIAL_JSON_BYTES) {
    refuse(
      `the credentials take ${bytes} bytes as JSON; at most ${MAX_CREDENTIAL_JSON_BYTES} are kept (Secrets Manager's limit)`,
    );
  }
  return parsed.data;
}

function refuse(detail: string): never {
  throw new ValidationError(detail, [{ pointer: '/values', detail }]);
}

/** The values, or undefined when `values` is not a credentials object (a corrupted store). */
export function parseCredentialValues(values: unknown): Record<string, string> | undefined {
  const parsed = ValuesSchema.safeParse(values);
  return parsed.success ? parsed.data : undefined;
}

export function checkCredentialsRef(ref: unknown): string {
  if (!RefSchema.safeParse(ref).success) {
    throw new PlugboardError(
      'Validation',
      'a credentials reference must be 1-512 of A-Z a-z 0-9 / _ + = . @ -',
    );
  }
  return ref as string;
}
