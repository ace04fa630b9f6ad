import { createHash } from 'node:crypto';
import type { FieldError } from '../../sdk/errors';
import { PlugboardError } from '../../sdk/errors';
import type { IfMatch } from '../instances/if-match';

/**
 * An instance's ETag: its version, `"3"`, while its options fit its plugin. What the plugin's current
 * version makes of them (outdatedOptions) is part of what a read answers, and it changes with no
 * write to the instance when the plugin is upgraded; so while some do not fit, the tag also names
 * which (`"3.5f0c2a9e"`), and a read cached before the upgrade is not answered 304.
 */
export function etagOf(version: number, outdated: readonly FieldError[] = []): string {
  if (outdated.length === 0) return `"${version}"`;
  const fingerprint = createHash('sha256').update(JSON.stringify(outdated)).digest('hex').slice(0, 8);
  return `"${version}.${fingerprint}"`;
}

/** One entity tag of a list (RFC 9110 §8.8.3): `"3"`, `"3.5f0c2a9e"`, or either weak (`W/"3"`). */
const ENTITY_TAG = /^(W\/)?"((\d{1,15})(?:\.[0-9a-f]{8})?)"$/;

interface Tag {
  /** What is between the quotes, compared by If-None-Match. */
  opaque: string;
  version: number;
  weak: boolean;
}

/** `*`, or the tags of a comma-separated list; anything else is not an ETag of an instance (412). */
function readTags(header: string, field: string): '*' | Tag[] {
  if (header.trim() === '*') return '*';
  return header.split(',').map((tag) => {
    const match = ENTITY_TAG.exec(tag.trim());
    if (!match)
      throw new PlugboardError(
        'VersionConflict',
        `${field} ${JSON.stringify(header.slice(0, 40))} is not an ETag of this instance (such as "3")`,
      );
    return { opaque: match[2]!, version: Number(match[3]), weak: match[1] !== undefined };
  });
}

/**
 * Reads an If-Match header (`*`, or a comma-separated list of ETags); a malformed one is a 412. A
 * write is held to the stored version the tag names: its outdatedOptions part is what the plugin
 * makes of that version, which a plugin upgrade changes and the write does not.
 */
export function readIfMatch(header: string | undefined, required: boolean): IfMatch | undefined {
  if (header === undefined) {
    if (required)
      throw new PlugboardError(
        'PreconditionRequired',
        'send If-Match with the ETag of the instance you read, or * for whatever version is current',
      );
    return undefined;
  }
  const tags = readTags(header, 'If-Match');
  if (tags === '*') return '*';
  // If-Match compares strongly (RFC 9110 §13.1.1): a weak tag matches no version.
  const strong = tags.filter((tag) => !tag.weak);
  if (strong.length === 0)
    throw new PlugboardError(
      'VersionConflict',
      `If-Match compares strong ETags: ${JSON.stringify(header.slice(0, 40))} matches no version (send "3", not W/"3")`,
    );
  return strong.map((tag) => tag.version);
}

/**
 * Whether an If-None-Match header names the current ETag: weakly compared, `*` naming any (RFC 9110
 * §13.1.2). One that is not a list of ETags names none: a read is never refused for it.
 */
export function noneMatchFails(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  try {
    const tags = readTags(header, 'If-None-Match');
    return tags === '*' || tags.some((tag) => `"${tag.opaque}"` === etag);
  } catch {
    return false;
  }
}
