import { pointerSegment } from '../../sdk/params';

/** What stands in for a secret value wherever one would have appeared. */
export const REDACTED = '********';

/** Values shorter than this are not treated as secrets to scrub: they would blank ordinary text. */
const MIN_SECRET_LENGTH = 4;

export interface Redactor {
  /** Replaces every occurrence of the secrets, deeply, in a value on its way to JSON. */
  <T>(value: T): T;
  /** Replaces every occurrence of the secrets' UTF-8 bytes in a body (the HTTP passthrough's). */
  bytes(body: Buffer): Buffer;
}

/**
 * The redactor of a call without secrets, which most calls are: shared, since the runtime asks for
 * one twice a call (before and after its credentials are read) and making one was ~3 µs of a plugin
 * worker's time a call under the bench's load.
 */
const NOTHING_TO_REDACT: Redactor = Object.assign(<T>(value: T) => value, { bytes: (body: Buffer) => body });

/**
 * A redactor for the given secret values. Objects of any kind are walked as JSON would see them
 * (toJSON first, then own enumerable fields), since class instances and bare objects reach the
 * answer, the log and the bus as their fields.
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  const redacted = secrets.filter((s) => s.length >= MIN_SECRET_LENGTH);
  if (redacted.length === 0) return NOTHING_TO_REDACT;
  // A secret used as a key is named in a refusal by its JSON pointer, where "~" and "/" are escaped.
  const needles = [...new Set(redacted.flatMap((s) => [s, pointerSegment(s)]))].sort(
    (a, b) => b.length - a.length,
  );
  const scrub = (text: string): string =>
    needles.reduce((out, needle) => out.replaceAll(needle, REDACTED), text);
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (Array.isArray(value)) return value.map(walk);
    if (value && typeof value === 'object') {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') return walk(toJSON.call(value));
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [scrub(k), walk(v)]));
    }
    return value;
  };
  // latin1 maps each byte to one character, so a byte sequence is found and replaced as text.
  const byteNeedles = needles.map((needle) => Buffer.from(needle, 'utf8').toString('latin1'));
  const bytes = (body: Buffer): Buffer => {
    const text = body.toString('latin1');
    const scrubbed = byteNeedles.reduce((out, needle) => out.replaceAll(needle, REDACTED), text);
    return scrubbed === text ? body : Buffer.from(scrubbed, 'latin1');
  };
  return Object.assign(<T>(value: T) => walk(value) as T, { bytes });
}
