/**
 * Prints items as JSON lines, following every page, up to `limit`. A list cut short says so on
 * stderr, with `more` saying how to see the rest: a page shown alone was taken for the whole list.
 * Answers how many it printed.
 */
export async function printAtMost<T>(
  items: AsyncIterable<T>,
  limit: number | undefined,
  what: string,
  more: string,
): Promise<number> {
  let shown = 0;
  for await (const item of items) {
    if (shown === limit) {
      console.error(`plugboard: the first ${shown} ${what} shown; more remain (${more})`);
      break;
    }
    console.log(JSON.stringify(item));
    shown += 1;
  }
  return shown;
}
