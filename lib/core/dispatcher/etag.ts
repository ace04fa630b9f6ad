import { PlugboardError } from '../../sdk/errors';

export const etagOf = (version: number): string => `"${version}"`;

/** Reads the version from an If-Match header (`"3"`, `W/"3"` or `3`); a malformed one is a 412. */
export function versionFromIfMatch(header: string | undefined, required: boolean): number | undefined {
  if (header === undefined) {
    if (required)
      throw new PlugboardError(
        'PreconditionRequired',
        'send If-Match with the ETag of the instance you read',
      );
    return undefined;
  }
  const match = /^(?:W\/)?"?(\d{1,15})"?$/.exec(header.trim());
  if (!match)
    throw new PlugboardError(
      'VersionConflict',
      `If-Match ${JSON.stringify(header.slice(0, 40))} is not an ETag of this instance`,
    );
  return Number(match[1]);
}
