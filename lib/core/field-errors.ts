import { type FieldError, ValidationError } from '../sdk/errors';

/** A Validation error whose message names each field and what is wrong with it, as its `errors` do. */
export function invalidFields(what: string, errors: FieldError[]): ValidationError {
  return new ValidationError(`${what}: ${errors.map((e) => `${e.pointer} ${e.detail}`).join('; ')}`, errors);
}
