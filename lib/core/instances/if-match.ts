import type { ExpectedInstance, InstanceRecord } from '../ports';
import { versionConflict } from './version-conflict';

/**
 * What an If-Match header allows (RFC 9110 §13.1.1): whatever instance is current, or one of those
 * its ETags name, each a version of one instance of the name (its generation).
 */
export type IfMatch = '*' | readonly ExpectedInstance[];

/**
 * The instance a write must find, given what it read: the current one when If-Match allows it, so
 * the write still fails if another lands in between or the name is deleted and created again.
 */
export function instanceMeeting(ifMatch: IfMatch, name: string, current: InstanceRecord): ExpectedInstance {
  const found = { version: current.version, generation: current.generation };
  if (ifMatch === '*' || ifMatch.some((tag) => sameInstance(tag, found))) return found;
  throw versionConflict(name, found, ifMatch);
}

/** Whether both name one instance of a name at one version; one from before generations has none. */
export const sameInstance = (a: ExpectedInstance, b: ExpectedInstance): boolean =>
  a.version === b.version && a.generation === b.generation;
