import { PlugboardError } from '../sdk/errors';

export const INVALID_CURSOR_POINTER = '/query/cursor';

/**
 * The one answer to a cursor a list did not make, whichever store made the list: every list route
 * takes its cursor as the query parameter `cursor`, so the error points there, as zod's query
 * errors do.
 */
export function invalidCursor(): PlugboardError {
  return new PlugboardError('Validation', 'the cursor is not valid for this list', {
    errors: [{ pointer: INVALID_CURSOR_POINTER, detail: 'not a cursor returned by this list' }],
  });
}

/** A list's position as an opaque cursor: base64url of its JSON, which a client passes back as is. */
export function cursorText(position: unknown): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * The JSON a cursor holds, for its list to check it made it; a cursor that is not base64url JSON at
 * all is refused here. The characters are checked first, since Node's decoder skips any it does not know.
 */
export function cursorPosition(cursor: string): unknown {
  if (typeof cursor !== 'string' || cursor.length > 8192 || !/^[A-Za-z0-9_-]+$/.test(cursor))
    throw invalidCursor();
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor();
  }
}
