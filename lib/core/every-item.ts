import { MAX_PAGE_LIMIT, type Page } from './ports';

/** A request for one page of a list: its size, and the cursor the page before it answered. */
export interface PageAsked {
  readonly limit: number;
  readonly cursor: string | undefined;
}

/**
 * Every item of a list read a page at a time, following `nextCursor` from the first page to the last;
 * the pages are the largest a list gives unless `limit` says otherwise. The next page is read only
 * once the items before it are taken.
 */
export async function* everyItem<T>(
  page: (asked: PageAsked) => Promise<Page<T>>,
  limit: number = MAX_PAGE_LIMIT,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const next = await page({ limit, cursor });
    yield* next.items;
    cursor = next.nextCursor;
  } while (cursor);
}
