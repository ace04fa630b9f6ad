import { PlugboardError } from '../../sdk/errors';

/** What an If-Match header allows (RFC 9110 §13.1.1): any current version, or one of those listed. */
export type IfMatch = '*' | readonly number[];

/**
 * The version a write must find, given what it read: the current one when If-Match allows it, so
 * the write still fails if another lands in between.
 */
export function versionMeeting(ifMatch: IfMatch, name: string, current: number): number {
  if (ifMatch === '*' || ifMatch.includes(current)) return current;
  throw new PlugboardError(
    'VersionConflict',
    `instance ${name} is at version ${current}, not ${ifMatch.join(' or ')}`,
    { details: { currentVersion: current } },
  );
}
