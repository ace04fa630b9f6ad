import { credentialFields } from '../../sdk/credential-fields';
import type { FieldError } from '../../sdk/errors';
import type { Manifest } from '../../sdk/manifest';
import { pointerSegment } from '../../sdk/params';

const MAX_CREDENTIAL_BYTES = 10_000;

export interface CredentialCheck {
  /** Where the values sit in what was given: `/values` of a credentials request. @default '/values' */
  readonly at?: string;
  /**
   * Whether each required credential must be among them: an instance's credentials are replaced
   * whole, while a test context may leave out what the handler under test does not read.
   * @default true
   */
  readonly requireAll?: boolean;
}

/** What is wrong with credential values for a plugin: unknown names, empty or oversized values, missing ones. */
export function credentialErrors(
  manifest: Pick<Manifest, 'credentials' | 'options'>,
  values: Readonly<Record<string, unknown>>,
  { at = '/values', requireAll = true }: CredentialCheck = {},
): FieldError[] {
  const fields = new Map(credentialFields(manifest).map((field) => [field.name, field]));
  const errors: FieldError[] = [];
  for (const [name, value] of Object.entries(values)) {
    const pointer = `${at}/${pointerSegment(name)}`;
    if (!fields.has(name)) {
      errors.push({
        pointer,
        detail: `unknown credential; known: ${[...fields.keys()].join(', ') || 'none'}`,
      });
    } else if (typeof value !== 'string' || value.length === 0) {
      errors.push({ pointer, detail: 'must be a non-empty string' });
    } else if (Buffer.byteLength(value) > MAX_CREDENTIAL_BYTES) {
      errors.push({ pointer, detail: `must be at most ${MAX_CREDENTIAL_BYTES} bytes` });
    }
  }
  if (!requireAll) return errors;
  for (const [name, field] of fields) {
    if (field.required && !Object.hasOwn(values, name))
      errors.push({ pointer: `${at}/${pointerSegment(name)}`, detail: 'is required' });
  }
  return errors;
}
