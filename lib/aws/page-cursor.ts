import { cursorPosition, invalidCursor } from '../core/page-cursor-text';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../core/ports';
import { PlugboardError } from '../sdk/errors';

/**
 * Opaque page cursors: base64url JSON of DynamoDB's LastEvaluatedKey. A cursor is only accepted back
 * for the query that made it: same key attributes, all strings, checked by the caller's `belongs`.
 */

export type PageKey = Record<string, string>;

export function decodeCursor(
  cursor: string | undefined,
  attributes: readonly string[],
  belongs: (key: PageKey) => boolean,
): PageKey | undefined {
  if (cursor === undefined) return undefined;
  const invalid = invalidCursor();
  const key = cursorPosition(cursor);
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw invalid;
  const entries = Object.entries(key);
  const wellFormed =
    entries.length === attributes.length &&
    entries.every(
      ([name, value]) => attributes.includes(name) && typeof value === 'string' && value.length > 0,
    );
  if (!wellFormed || !belongs(key as PageKey)) throw invalid;
  return key as PageKey;
}

export function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new PlugboardError('Validation', `limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`, {
      errors: [{ pointer: '/limit', detail: `must be an integer from 1 to ${MAX_PAGE_LIMIT}` }],
    });
  }
  return limit;
}
