import { PlugboardError } from '../../sdk/errors';
import type { IfMatch } from '../instances/if-match';

export const etagOf = (version: number): string => `"${version}"`;

/** One entity tag of a list: `"3"`, `W/"3"` or a bare `3`. */
const ENTITY_TAG = /^(?:W\/)?"?(\d{1,15})"?$/;

/** Reads an If-Match header (`*`, or a comma-separated list of ETags); a malformed one is a 412. */
export function readIfMatch(header: string | undefined, required: boolean): IfMatch | undefined {
  if (header === undefined) {
    if (required)
      throw new PlugboardError(
        'PreconditionRequired',
        'send If-Match with the ETag of the instance you read, or * for whatever version is current',
      );
    return undefined;
  }
  if (header.trim() === '*') return '*';
  const versions: number[] = [];
  for (const tag of header.split(',')) {
    const match = ENTITY_TAG.exec(tag.trim());
    if (!match)
      throw new PlugboardError(
        'VersionConflict',
        `If-Match ${JSON.stringify(header.slice(0, 40))} is not an ETag of this instance`,
      );
    versions.push(Number(match[1]));
  }
  return versions;
}
