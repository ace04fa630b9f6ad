import { randomBytes } from 'node:crypto';

/**
 * A new generation (InstanceRecord.generation): 128 random bits, so no two instances of one name
 * share one, written as 22 base64url characters because it is part of the key of every item in the
 * instance's store.
 */
export const newGeneration = (): string => randomBytes(16).toString('base64url');

/**
 * What a generation may be, as a pattern to match whole: newGeneration's, or any other a store's
 * keys can hold (no "#", which separates their parts; no '"' or ".", so an ETag can name it).
 */
export const GENERATION = '[A-Za-z0-9_-]{1,64}';
