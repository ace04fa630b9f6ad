import { definePlugin } from 'plugboard/sdk';
import { decodeCursor, encodeCursor, searchKey } from './cursor';
import { histogram } from './histogram';
import { compile, type Query } from './query';
import { newestFirst, type ParsedEntry, readLog } from './read-log';

const typeName = (value: unknown): string =>
  Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;

const toEntry = ({ timestamp, level, message, fields }: ParsedEntry) =>
  level === undefined ? { timestamp, message, fields } : { timestamp, level, message, fields };

export default definePlugin({
  manifest: {
    slug: 'file-logs',
    name: 'File logs',
    version: '1.0.0',
    description: 'Searches a newline-delimited JSON log file: filters, cursors, schema and a histogram.',
    apiVersion: 1,
    types: ['logs'],
    supportsHistogram: true,
    options: [
      {
        name: 'path',
        label: 'Log file',
        description:
          'NDJSON file, one object per line with timestamp, message, optional level and any other fields. ' +
          "A relative path is resolved against the platform's working directory (the repository root).",
        type: 'string',
        default: 'plugins/file-logs/sample.ndjson',
      },
    ],
    docs: {
      overview: { summary: 'Logs from an NDJSON file, newest first.', order: 1 },
      filters: {
        summary:
          'Filter on message, level, timestamp or any field, with eq, ne, contains, startsWith or regex.',
        detail:
          'A field may be named `service` or `fields.service`. Numbers compare as numbers with eq and ne.',
        order: 2,
      },
    },
  },
  logs: {
    async search(ctx, { start, end, filters, limit, cursor }) {
      const query: Query = { start, end, filters };
      const log = await readLog(ctx.options.path);
      const key = searchKey(log.fingerprint, ctx.options.path, query);
      const after = cursor === undefined ? undefined : decodeCursor(cursor, key);
      const matches = compile(query);
      const page: ParsedEntry[] = [];
      let more = false;
      for (const entry of log.entries) {
        if (after && newestFirst(after, entry) >= 0) continue;
        if (!matches(entry)) continue;
        if (page.length === limit) {
          more = true;
          break;
        }
        page.push(entry);
      }
      const last = page.at(-1);
      return {
        entries: page.map(toEntry),
        ...(more && last ? { nextCursor: encodeCursor(last, key) } : {}),
      };
    },
    async schema(ctx) {
      const types = new Map<string, Set<string>>();
      for (const entry of (await readLog(ctx.options.path)).entries) {
        for (const [name, value] of Object.entries(entry.fields)) {
          const seen = types.get(name) ?? new Set();
          seen.add(typeName(value));
          types.set(name, seen);
        }
      }
      const fields = [...types.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([name, seen]) => ({ name, type: seen.size === 1 ? [...seen][0]! : 'mixed' }));
      return {
        fields: [
          { name: 'timestamp', type: 'datetime' },
          { name: 'level', type: 'string' },
          { name: 'message', type: 'string' },
          ...fields,
        ],
      };
    },
    async histogram(ctx, { start, end, filters, bucketCount }) {
      const matches = compile({ start, end, filters });
      const entries = (await readLog(ctx.options.path)).entries.filter(matches);
      return { buckets: histogram(entries, bucketCount, start, end) };
    },
  },
});
