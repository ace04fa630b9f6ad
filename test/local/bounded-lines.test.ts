import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readBoundedLines } from '../../lib/local/process/bounded-lines';

const MAX = 16;

/** What readBoundedLines makes of `text` written in chunks cut at `cuts` (byte offsets). */
async function read(text: string, cuts: number[]): Promise<(string | 'oversized')[]> {
  const stream = new PassThrough();
  const seen: (string | 'oversized')[] = [];
  readBoundedLines(
    stream,
    MAX,
    (line, bytes) => {
      expect(bytes).toBeLessThanOrEqual(MAX);
      seen.push(line);
    },
    () => seen.push('oversized'),
  );
  const bytes = Buffer.from(text);
  let at = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
    stream.write(bytes.subarray(at, cut));
    at = cut;
  }
  stream.end(bytes.subarray(at));
  await new Promise((resolve) => stream.on('end', resolve).resume());
  return seen;
}

describe('reading a process pipe by lines', () => {
  it('gives each line once, however the bytes arrive, and one notice for each line over the bound', async () => {
    const line = fc.string({ unit: 'binary', maxLength: 24 }).filter((l) => !l.includes('\n'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        async (lines, cuts) => {
          const expected = lines.map((l) => {
            const text = l.endsWith('\r') ? l.slice(0, -1) : l;
            return Buffer.byteLength(l) > MAX ? 'oversized' : text;
          });
          expect(await read(lines.map((l) => `${l}\n`).join(''), cuts)).toEqual(expected);
        },
      ),
    );
  });

  it('gives a last line without its newline', async () => {
    expect(await read('a\nlast', [3])).toEqual(['a', 'last']);
  });
});
