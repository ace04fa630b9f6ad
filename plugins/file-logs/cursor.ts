import { createHash } from 'node:crypto';
import { CursorExpiredError } from 'plugboard/sdk';

/** Where a search stopped: the last entry returned, plus what makes that position meaningful. */
export interface Position {
  time: number;
  line: number;
}

interface CursorBody extends Position {
  v: 1;
  /** Hash of the file version and the query; a cursor is only good for the search that made it. */
  s: string;
}

export const searchKey = (fingerprint: string, path: string, query: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify([fingerprint, path, query]))
    .digest('base64url')
    .slice(0, 22);

export function encodeCursor(position: Position, key: string): string {
  const body: CursorBody = { v: 1, s: key, time: position.time, line: position.line };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** Throws CursorExpired for a cursor that is malformed or belongs to another file version or query. */
export function decodeCursor(cursor: string, key: string): Position {
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new CursorExpiredError();
  }
  if (body?.v !== 1 || body.s !== key || !Number.isFinite(body.time) || !Number.isInteger(body.line)) {
    throw new CursorExpiredError();
  }
  return { time: body.time!, line: body.line! };
}
