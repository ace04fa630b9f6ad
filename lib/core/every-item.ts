import type { Page } from './ports';

/** Every item of a list read a page at a time, following `nextCursor` from the first page to the last. */
export async function* everyItem<T>(
  page: (cursor: string | undefined) => Promise<Page<T>>,
): AsyncGenerator<T> {
  let cursor: string | undefined;
  do {
    const next = await page(cursor);
    yield* next.items;
    cursor = next.nextCursor;
  } while (cursor);
}
