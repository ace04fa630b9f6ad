import * as z from 'zod';
import { PlugboardError } from '../sdk/errors';

/**
 * What every CredentialStore accepts, so the local file and Secrets Manager refuse the same input.
 * Names fit a Secrets Manager tag value (describe reads them from one); refs fit a secret's name.
 * Messages describe the shape only: a zod message could quote a secret value.
 */

const FieldNameSchema = z.string().regex(/^[A-Za-z0-9_.:/=+@-]{1,128}$/);
const ValuesSchema = z.record(FieldNameSchema, z.string().max(65_536));
const RefSchema = z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/);

export function checkCredentialValues(values: unknown): Record<string, string> {
  const parsed = ValuesSchema.safeParse(values);
  if (!parsed.success) {
    throw new PlugboardError(
      'Validation',
      'credentials must be an object of string values (at most 64 KB each) whose names use A-Z a-z 0-9 _ . : / = + @ -',
    );
  }
  return parsed.data;
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
