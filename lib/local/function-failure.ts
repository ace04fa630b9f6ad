import type { Answer } from '../core/envelope';

/**
 * Answers the platform made up because the plugin's function itself failed (crashed, hung, ran out
 * of memory, answered too much) rather than answered. On AWS these are Lambda function errors
 * (`X-Amz-Function-Error: Unhandled`); the local Lambda endpoint reports them the same way. Kept
 * beside the answer, not in it, so the envelope's shape stays what the plugin wrote.
 */
const failures = new WeakSet<Answer>();

export type FunctionFailureCode = 'PluginFailed' | 'Timeout' | 'PayloadTooLarge';

export function functionFailure(code: FunctionFailureCode, message: string): Answer {
  const answer: Answer = { ok: false, error: { code, message } };
  failures.add(answer);
  return answer;
}

export function isFunctionFailure(answer: Answer): boolean {
  return failures.has(answer);
}
