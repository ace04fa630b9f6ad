/**
 * `wildcard` values: `*` matches any run of characters, `\*` a literal star, `\\` a literal backslash.
 * event-ruler rejects consecutive stars and a backslash before anything else.
 */
export type WildcardParse = { ok: true; segments: string[] } | { ok: false; detail: string };

export function parseWildcard(text: string): WildcardParse {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '*') {
      if (text[i + 1] === '*') return { ok: false, detail: `Consecutive wildcard characters at pos ${i}` };
      segments.push(current);
      current = '';
    } else if (ch === '\\') {
      const next = text[i + 1];
      if (next !== '*' && next !== '\\') return { ok: false, detail: `Invalid escape character at pos ${i}` };
      current += next;
      i++;
    } else {
      current += ch;
    }
  }
  segments.push(current);
  return { ok: true, segments };
}

/** Leftmost-first scan: linear in the value, no regular expression, so no catastrophic backtracking. */
export function matchWildcard(segments: readonly string[], value: string): boolean {
  const first = segments[0] ?? '';
  if (segments.length === 1) return value === first;
  const last = segments[segments.length - 1] ?? '';
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let position = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const segment = segments[i] ?? '';
    const found = value.indexOf(segment, position);
    if (found < 0 || found + segment.length > end) return false;
    position = found + segment.length;
  }
  return true;
}
