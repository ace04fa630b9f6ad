/**
 * How many attempts at delivering one event the platform's process may die in (a plugin that aborts
 * it, out of memory) before the event is dead-lettered instead of delivered again. The first may be
 * another event's doing, since every attempt in flight when the process died was interrupted alike;
 * the second happened while the event's attempt ran alone after the restart, so it was this event's.
 * As on AWS, where a Lambda invocation whose runtime crashed is a failed attempt, each counts as one.
 */
export const INTERRUPTION_LIMIT = 2;

/** Why an event was not delivered again: stored with its dead letters, shown by GET /v1/dlq. */
export const interruptedReason = (interruptions: number): string =>
  `not delivered again: the platform process died during its delivery ${interruptions} times (a plugin that aborts it, out of memory, would abort every start); fix the plugin, then redrive`;
