import type { ConformanceCheck } from './types';

/** A failed expectation; its message is the check's detail. */
export class CheckFailed extends Error {}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CheckFailed(message);
}

/** Runs one check: what it returns is the detail of a pass, what it throws the detail of a failure. */
export async function check(name: string, run: () => Promise<string>): Promise<ConformanceCheck> {
  try {
    return { name, ok: true, detail: await run() };
  } catch (error) {
    return { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** A check that does not apply to this plugin, said rather than passed or failed. */
export const skip = (name: string, reason: string): ConformanceCheck => ({
  name,
  ok: true,
  detail: reason,
  skipped: true,
});

export const show = (value: unknown): string => {
  const text = JSON.stringify(value);
  return text === undefined ? 'undefined' : text.length > 200 ? `${text.slice(0, 200)}...` : text;
};
