import { PlugboardError } from '../../sdk/errors';
import type { ExpectedInstance } from '../ports';

/**
 * The VersionConflict (412) of a write that expected one of `expected` and found `current`, naming
 * what differs: the version, or at the same version which instance of the name it is.
 */
export function versionConflict(
  name: string,
  current: ExpectedInstance,
  expected: readonly ExpectedInstance[],
): PlugboardError {
  const atVersion = expected.filter((instance) => instance.version === current.version);
  let detail: string;
  if (atVersion.length === 0)
    detail = `instance ${name} is at version ${current.version}, not ${expected.map((instance) => instance.version).join(' or ')}`;
  else if (
    current.generation !== undefined &&
    atVersion.every((instance) => instance.generation === undefined)
  )
    // An ETag from before generations, or typed by hand: it cannot say which instance it was read from.
    detail = `version ${current.version} alone does not say which instance named ${name} was read (one deleted and created again starts at version 1 again): send the ETag as a read answered it, which names its generation too ("<version>-<generation>")`;
  else
    detail = `instance ${name} at version ${current.version} is not the one read: the name was deleted and created again since; read it again`;
  return new PlugboardError('VersionConflict', detail, { details: { currentVersion: current.version } });
}
