import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from 'commander';
import { OPAQUE_TAG } from '../core/dispatcher/etag';
import { ValidationError } from '../sdk/errors';

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Parses JSON that must be an object, naming where it came from when it is not. */
export function jsonObject(text: string, from: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${from} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`${from} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** The JSON object in a file, or on stdin when the file is "-". */
export async function readJsonInput(file: string): Promise<Record<string, unknown>> {
  const text =
    file === '-'
      ? await readStdin()
      : await readFile(file, 'utf8').catch(() => {
          throw new ValidationError(`cannot read ${file}`);
        });
  return jsonObject(text, file === '-' ? 'stdin' : file);
}

const UNQUOTED_TAG = new RegExp(`^${OPAQUE_TAG}$`);

/**
 * An ETag typed at a shell loses its quotes (`--if-match "3-qT0mIjq4Ck2x7dYxE5bWlA"` arrives without
 * them): a bare one is that ETag.
 */
export const etag = (value: string): string => (UNQUOTED_TAG.test(value) ? `"${value}"` : value);

/**
 * A commander parser for a whole-number option from `min` to `max`: anything else is a usage error
 * naming the option, where `Number()` let "abc" through as NaN.
 */
export function integer(option: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const number = /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
    if (!(number >= min && number <= max))
      throw new InvalidArgumentError(
        `${option} must be a whole number from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`,
      );
    return number;
  };
}
