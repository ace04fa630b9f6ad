import type { Manifest } from './manifest';

/** A value an instance keeps with its credentials: write-only, never returned. */
export interface CredentialValueField {
  name: string;
  label: string;
  required: boolean;
}

/**
 * What an instance's credentials hold: the manifest's credentials and its options of type secret,
 * which are set with the credentials (PUT /v1/instances/{name}/credentials) so that no secret is
 * ever stored as an option.
 */
export function credentialFields(
  manifest: Pick<Manifest, 'credentials' | 'options'>,
): readonly CredentialValueField[] {
  let fields = known.get(manifest);
  if (!fields) {
    fields = [
      ...manifest.credentials.map(({ name, label, required }) => ({ name, label, required })),
      ...manifest.options
        .filter((option) => option.type === 'secret')
        .map(({ name, label, required }) => ({ name, label, required })),
    ];
    known.set(manifest, fields);
  }
  return fields;
}

/** By manifest object: every call checks the fields of a manifest the platform holds once. */
const known = new WeakMap<object, CredentialValueField[]>();

/** The credentials a call needs before it may run, of those `set`. */
export const missingCredentials = (
  manifest: Pick<Manifest, 'credentials' | 'options'>,
  set: (name: string) => boolean,
): string[] =>
  credentialFields(manifest)
    .filter((field) => field.required && !set(field.name))
    .map((field) => field.name);
