import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UnavailableError } from 'plugboard/sdk';

/** One parsed line; `line` (1-based) breaks ties between equal timestamps. */
export interface ParsedEntry {
  line: number;
  time: number;
  timestamp: string;
  level?: string | undefined;
  message: string;
  fields: Record<string, unknown>;
}

export interface LogFile {
  /** Changes whenever the file does; a cursor from another version of the file is expired. */
  fingerprint: string;
  /** Newest first. */
  entries: ParsedEntry[];
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A line is a JSON object with `timestamp` and `message`, an optional `level`, and any other
 * properties as fields (a nested `fields` object is merged in). Lines that are not are skipped:
 * a log file with one torn line is still a log file.
 */
function parseLine(text: string, line: number): ParsedEntry | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(raw) || typeof raw.message !== 'string' || typeof raw.timestamp !== 'string')
    return undefined;
  const time = Date.parse(raw.timestamp);
  if (Number.isNaN(time)) return undefined;
  const { timestamp: _t, message, level, fields, ...rest } = raw;
  return {
    line,
    time,
    timestamp: new Date(time).toISOString(),
    level: typeof level === 'string' ? level : undefined,
    message,
    fields: { ...rest, ...(isRecord(fields) ? fields : {}) },
  };
}

/** Reads the NDJSON file at `path`, relative to the working directory unless absolute. */
export async function readLog(path: string): Promise<LogFile> {
  const file = resolve(process.cwd(), path);
  let text: string;
  let fingerprint: string;
  try {
    const info = await stat(file);
    text = await readFile(file, 'utf8');
    fingerprint = `${info.size}:${info.mtimeMs}`;
  } catch {
    throw new UnavailableError(`the log file "${path}" cannot be read`);
  }
  const entries: ParsedEntry[] = [];
  for (const [i, lineText] of text.split('\n').entries()) {
    if (lineText.trim() === '') continue;
    const entry = parseLine(lineText, i + 1);
    if (entry) entries.push(entry);
  }
  entries.sort(newestFirst);
  return { fingerprint, entries };
}

export function newestFirst(a: { time: number; line: number }, b: { time: number; line: number }): number {
  return b.time - a.time || b.line - a.line;
}
