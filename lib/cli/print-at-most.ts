/** The largest page the API lists (`?limit=` takes 1 to 1000). */
const LARGEST_PAGE = 1000;

/**
 * Prints items as JSON lines, following every page, up to `limit`. A list cut short says so on
 * stderr, with `more` saying how to see the rest: a page shown alone was taken for the whole list.
 * Answers how many it printed. `items` lists pages of `pageSize`: one more than `limit`, which tells
 * whether more remain, so that a short list is one request, not the API's pages of 100 to the end.
 */
export async function printAtMost<T>(
  items: (pageSize: number | undefined) => AsyncIterable<T>,
  limit: number | undefined,
  what: string,
  more: string,
): Promise<number> {
  let shown = 0;
  for await (const item of items(limit === undefined ? undefined : Math.min(limit + 1, LARGEST_PAGE))) {
    if (shown === limit) {
      console.error(`plugboard: the first ${shown} ${what} shown; more remain (${more})`);
      break;
    }
    console.log(JSON.stringify(item));
    shown += 1;
  }
  return shown;
}
