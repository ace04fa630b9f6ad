import { it } from 'vitest';
import { PlugboardError } from '../../lib/sdk/errors';

/**
 * How a contract suite marks a case that does not apply to one adapter: skipped with its reason in
 * the title, the case's name kept in one list. (An adapter that fails a case is fixed, not marked.)
 */
export interface CaseMarks<Case extends string> {
  /** Cases that do not apply to the adapter, each with why. */
  readonly skip?: Partial<Record<Case, string>>;
}

export function caseRunner<Case extends string>(marks: CaseMarks<Case> = {}) {
  return (name: Case, title: string, body: () => Promise<void>, timeout?: number): void => {
    const skipped = marks.skip?.[name];
    if (skipped) it.skip(`${title} (does not apply: ${skipped})`, body);
    else it(title, body, timeout);
  };
}

/** The PlugboardError a call rejects with; fails the test when it resolves or throws anything else. */
export async function rejectionOf(call: Promise<unknown>): Promise<PlugboardError> {
  const outcome = await call.then(
    () => new Error('expected the call to fail'),
    (error: unknown) => error,
  );
  if (!(outcome instanceof PlugboardError)) throw outcome;
  return outcome;
}

/** The code of the PlugboardError a call rejects with. */
export const codeOf = async (call: Promise<unknown>): Promise<string> => (await rejectionOf(call)).code;

/** Every page of a list, following its cursors to the last page. */
export async function drain<T>(
  list: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string | undefined }>,
): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | undefined;
  do {
    const page = await list(cursor);
    pages.push(page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return pages;
}
