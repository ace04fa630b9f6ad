import { randomBytes } from 'node:crypto';

/**
 * A new generation (InstanceRecord.generation): 128 random bits, so no two instances of one name
 * share one, written as 22 base64url characters because it is part of the key of every item in the
 * instance's store.
 */
export const newGeneration = (): string => randomBytes(16).toString('base64url');
