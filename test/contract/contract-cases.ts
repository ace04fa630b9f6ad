import { it } from 'vitest';
import { PlugboardError } from '../../lib/sdk/errors';

/**
 * How a contract suite marks what one adapter cannot pass yet. A known defect runs as `it.fails`,
 * so the day the adapter is fixed the suite says so and the mark must go; a case that does not
 * apply is skipped with its reason in the title. Either way the case's name is kept in one list.
 */
export interface CaseMarks<Case extends string> {
  /** Cases the adapter fails, each with the defect that makes it fail. */
  readonly defects?: Partial<Record<Case, string>>;
  /** Cases that do not apply to the adapter, each with why. */
  readonly skip?: Partial<Record<Case, string>>;
}

export function caseRunner<Case extends string>(marks: CaseMarks<Case> = {}) {
  return (name: Case, title: string, body: () => Promise<void>, timeout?: number): void => {
    const skipped = marks.skip?.[name];
    const defect = marks.defects?.[name];
    if (skipped) it.skip(`${title} (does not apply: ${skipped})`, body);
    else if (defect) it.fails(`${title} (known defect: ${defect})`, body, timeout);
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
