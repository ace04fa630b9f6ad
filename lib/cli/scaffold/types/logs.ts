import type { TypeTemplate } from '../template';

export const logs: TypeTemplate = {
  sdkImports: ['CursorExpiredError'],
  preamble: `/** Sample entries, newest first. Replace them with your log source and honour start, end and filters. */
const ENTRIES = Array.from({ length: 12 }, (_, i) => ({
  timestamp: new Date(Date.UTC(2025, 0, 1, 12, 0, 12 - i)).toISOString(),
  level: i % 4 === 0 ? 'error' : 'info',
  message: \`sample entry \${12 - i}\`,
  fields: { sequence: 12 - i },
}));

/** A cursor is the position of the next entry; anything else is refused with CursorExpired. */
const encodeCursor = (position: number) => Buffer.from(\`p:\${position}\`).toString('base64url');
function decodeCursor(cursor: string): number {
  const match = /^p:(\\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new CursorExpiredError();
  return Number(match[1]);
}
`,
  manifest: `types: ['logs'],`,
  handlers: `logs: {
    search(_ctx, { limit, cursor }) {
      const from = cursor === undefined ? 0 : decodeCursor(cursor);
      const entries = ENTRIES.slice(from, from + limit);
      const next = from + entries.length;
      return next < ENTRIES.length ? { entries, nextCursor: encodeCursor(next) } : { entries };
    },
    schema() {
      return {
        fields: [
          { name: 'timestamp', type: 'datetime' },
          { name: 'level', type: 'string' },
          { name: 'message', type: 'string' },
          { name: 'sequence', type: 'number' },
        ],
      };
    },
  },`,
  test: `  it('pages newest first', async () => {
    const ctx = createTestContext({ manifest: plugin.manifest });
    const first = await callOperation(plugin, ctx, 'logs.search', { limit: 5 });
    expect(first.entries).toHaveLength(5);
    expect(first.entries[0]!.message).toBe('sample entry 12');
    const second = await callOperation(plugin, ctx, 'logs.search', { limit: 5, cursor: first.nextCursor });
    expect(second.entries[0]!.message).toBe('sample entry 7');
  });`,
  invoke: { target: 'logs.search', json: '{"limit":3}' },
};
