import { createHash } from 'node:crypto';
import type { FieldError } from '../../sdk/errors';
import { PlugboardError } from '../../sdk/errors';
import { GENERATION } from '../instances/generation';
import type { IfMatch } from '../instances/if-match';
import type { ExpectedInstance } from '../ports';

/**
 * What is between an instance's ETag's quotes: its version, then which instance of the name it is
 * (its generation, after "-"; none for an instance created before generations), then, while some
 * options do not fit the plugin's current version, which (after "."). A version is all digits and a
 * generation has no ".", so the "-" and the "." each end a part: a tag reads back one way only. A
 * version has no leading zero, as etagOf writes none: If-Match compares tags as strings (RFC 9110), so
 * `"03"` is no tag of version 3.
 */
export const OPAQUE_TAG = `([1-9]\\d{0,14})(?:-(${GENERATION}))?(?:\\.[0-9a-f]{8})?`;

/**
 * An instance's ETag: its version and generation, `"3-qT0mIjq4Ck2x7dYxE5bWlA"`, while its options
 * fit its plugin. The version alone would match a later instance of the name, deleted and created
 * again, at the same version. What the plugin's current version makes of the options
 * (outdatedOptions) is part of what a read answers, and it changes with no write to the instance
 * when the plugin is upgraded; so while some do not fit, the tag also names which
 * (`"3-qT0mIjq4Ck2x7dYxE5bWlA.5f0c2a9e"`), and a read cached before the upgrade is not answered 304.
 */
export function etagOf(instance: ExpectedInstance, outdated: readonly FieldError[] = []): string {
  const named =
    instance.generation === undefined ? `${instance.version}` : `${instance.version}-${instance.generation}`;
  if (outdated.length === 0) return `"${named}"`;
  const fingerprint = createHash('sha256').update(JSON.stringify(outdated)).digest('hex').slice(0, 8);
  return `"${named}.${fingerprint}"`;
}

/** One entity tag of a list (RFC 9110 §8.8.3), strong or weak (`W/"…"`). */
const ENTITY_TAG = new RegExp(`^(W/)?"(${OPAQUE_TAG})"$`);

interface Tag {
  /** What is between the quotes, compared by If-None-Match. */
  opaque: string;
  /** The instance the tag names, held to by If-Match. */
  instance: ExpectedInstance;
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
        `${field} ${JSON.stringify(header.slice(0, 40))} is not an ETag of an instance: send the ETag as a read answered it ("<version>-<generation>")`,
      );
    const generation = match[4];
    return {
      opaque: match[2]!,
      instance:
        generation === undefined ? { version: Number(match[3]) } : { version: Number(match[3]), generation },
      weak: match[1] !== undefined,
    };
  });
}

/**
 * Reads an If-Match header (`*`, or a comma-separated list of ETags); a malformed one is a 412. A
 * write is held to the instance the tag names, at its version: the outdatedOptions part is what the
 * plugin makes of that version, which a plugin upgrade changes and the write does not.
 */
export function readIfMatch(header: string | undefined, required: boolean): IfMatch | undefined {
  if (header === undefined) {
    if (required)
      throw new PlugboardError(
        'PreconditionRequired',
        'send If-Match with the ETag of the instance you read, or * for whatever instance is current',
      );
    return undefined;
  }
  const tags = readTags(header, 'If-Match');
  if (tags === '*') return '*';
  // If-Match compares strongly (RFC 9110 §13.1.1): a weak tag matches no instance.
  const strong = tags.filter((tag) => !tag.weak);
  if (strong.length === 0)
    throw new PlugboardError(
      'VersionConflict',
      `If-Match compares strong ETags: ${JSON.stringify(header.slice(0, 40))} matches no instance (send the ETag without W/)`,
    );
  return strong.map((tag) => tag.instance);
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
