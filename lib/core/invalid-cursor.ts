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
