import type { LogEntry } from '../../sdk/contracts';
import { assert, check, show } from './check';
import type { ConformanceHarness } from './harness';
import { AnswerError } from './harness';
import type { ConformanceCheck } from './types';

interface Page {
  entries: LogEntry[];
  nextCursor?: string;
}

/** Pages followed: enough to cross many page boundaries, few enough for a big log. */
const MAX_PAGES = 20;
const FULL_LIMIT = 1000;

const newestFirst = (entries: LogEntry[]): boolean =>
  entries.every((e, i) => i === 0 || Date.parse(entries[i - 1]!.timestamp) >= Date.parse(e.timestamp));

/** The logs contract: limits, newest first, cursor paging without gaps or overlaps, schema, histogram. */
export async function logsChecks(h: ConformanceHarness): Promise<ConformanceCheck[]> {
  const pageSize = h.fixtures.logsPageSize ?? 3;
  const search = (input: Record<string, unknown>) => h.operation<Page>('logs.search', input);
  const checks = [
    await check('logs: search respects limit and answers newest first', async () => {
      const page = await search({ limit: pageSize });
      assert(page.entries.length <= pageSize, `limit ${pageSize} answered ${page.entries.length} entries`);
      const full = await search({ limit: FULL_LIMIT });
      assert(newestFirst(full.entries), 'entries are not newest first');
      return `${full.entries.length} entries, newest first`;
    }),
    await check('logs: cursor paging covers the entries once, in order', async () => {
      const paged: LogEntry[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await search({ limit: pageSize, ...(cursor ? { cursor } : {}) });
        assert(page.entries.length <= pageSize, `a page holds ${page.entries.length} > ${pageSize} entries`);
        assert(page.entries.length > 0 || !page.nextCursor, 'an empty page has a nextCursor');
        paged.push(...page.entries);
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < MAX_PAGES);
      assert(pages > 1, `the log needs more than ${pageSize} entries to test paging; it has ${paged.length}`);
      const once = await search({ limit: paged.length });
      assert(
        JSON.stringify(paged) === JSON.stringify(once.entries),
        `${pages} pages of ${pageSize} gave entries that differ from one search of ${paged.length} (gap or overlap)`,
      );
      assert(
        cursor !== undefined || once.nextCursor === undefined,
        'paging ended but one search of the same size has a nextCursor',
      );
      return `${pages} pages, ${paged.length} entries, same as one search`;
    }),
    await check('logs: a bad cursor answers CursorExpired', async () => {
      try {
        await search({ limit: pageSize, cursor: 'not-a-cursor-from-this-plugin' });
      } catch (error) {
        assert(
          error instanceof AnswerError && error.code === 'CursorExpired',
          `answered ${error instanceof Error ? error.message : String(error)}`,
        );
        return 'CursorExpired';
      }
      throw new Error('a made-up cursor was accepted');
    }),
    await check('logs: schema lists named, typed fields', async () => {
      const { fields } = await h.operation<{ fields: { name: string; type: string }[] }>('logs.schema');
      const names = fields.map((f) => f.name);
      assert(new Set(names).size === names.length, `schema repeats a field: ${show(names)}`);
      assert(
        fields.every((f) => f.name.length > 0 && f.type.length > 0),
        `a field has an empty name or type: ${show(fields)}`,
      );
      return `${fields.length} field(s)`;
    }),
  ];
  if (h.manifest.supportsHistogram || h.plugin.logs?.histogram) checks.push(await histogramCheck(h));
  return checks;
}

function histogramCheck(h: ConformanceHarness): Promise<ConformanceCheck> {
  return check('logs: histogram answers bucketCount ordered buckets', async () => {
    assert(h.manifest.supportsHistogram, 'there is a logs.histogram handler but supportsHistogram is false');
    for (const bucketCount of [7, undefined]) {
      const input = bucketCount === undefined ? {} : { bucketCount };
      const { buckets } = await h.operation<{ buckets: { start: string; end: string; count: number }[] }>(
        'logs.histogram',
        input,
      );
      const expected = bucketCount ?? 60;
      assert(buckets.length === expected, `bucketCount ${expected} answered ${buckets.length} buckets`);
      assert(
        buckets.every((b) => Date.parse(b.start) <= Date.parse(b.end)) &&
          buckets.every((b, i) => i === 0 || Date.parse(buckets[i - 1]!.end) <= Date.parse(b.start)),
        'buckets are not ordered, non-overlapping time ranges',
      );
    }
    return '7 and the default 60 buckets';
  });
}
