import { MAX_PAGE_LIMIT } from '../core/ports';

/**
 * Prints items as JSON lines, following every page, up to `limit`. A list cut short says so on
 * stderr, with `more` saying how to see the rest: a page shown alone was taken for the whole list.
 * Answers how many it printed. `items` lists pages of `pageSize`: one more than `limit`, which tells
 * whether more remain, so that a short list is one request, and the largest the API gives with no
 * `limit`, so that a whole list takes the fewest requests, not the API's default pages of 100.
 */
export async function printAtMost<T>(
  items: (pageSize: number) => AsyncIterable<T>,
  limit: number | undefined,
  what: string,
  more: string,
): Promise<number> {
  let shown = 0;
  for await (const item of items(
    limit === undefined ? MAX_PAGE_LIMIT : Math.min(limit + 1, MAX_PAGE_LIMIT),
  )) {
    if (shown === limit) {
      console.error(`plugboard: the first ${shown} ${what} shown; more remain (${more})`);
      break;
    }
    console.log(JSON.stringify(item));
    shown += 1;
  }
  return shown;
}
