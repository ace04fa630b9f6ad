import type { Readable } from 'node:stream';

const NEWLINE = 0x0a;

/**
 * Reads a stream's lines as UTF-8 text, keeping at most `maxBytes` of one: a longer line is passed
 * to `onOversized` once, uncounted, and dropped up to its end. A process that writes without a
 * newline cannot make the platform hold more than that.
 */
export function readBoundedLines(
  stream: Readable,
  maxBytes: number,
  onLine: (line: string, bytes: number) => void,
  onOversized: () => void,
): void {
  let parts: Buffer[] = [];
  let held = 0;
  let dropping = false;
  const take = (chunk: Buffer) => {
    if (dropping) return;
    if (held + chunk.length > maxBytes) {
      dropping = true;
      parts = [];
      held = 0;
      onOversized();
      return;
    }
    parts.push(chunk);
    held += chunk.length;
  };
  const end = () => {
    if (!dropping) {
      const text = Buffer.concat(parts, held).toString('utf8');
      onLine(text.endsWith('\r') ? text.slice(0, -1) : text, held);
    }
    parts = [];
    held = 0;
    dropping = false;
  };
  stream.on('data', (chunk: Buffer) => {
    let start = 0;
    for (let at = chunk.indexOf(NEWLINE); at >= 0; at = chunk.indexOf(NEWLINE, start)) {
      take(chunk.subarray(start, at));
      end();
      start = at + 1;
    }
    take(chunk.subarray(start));
  });
  // A last line without its newline, as a process that exits mid-line leaves it.
  stream.on('end', () => {
    if (held > 0) end();
  });
}
