import { HANDLER_THREW } from '../core/runtime/run-envelope';
import type { LogRecord } from '../core/runtime/services';

/**
 * The error a handler threw, made again from the runtime's log record of it (its name, message and
 * stack, credentials already scrubbed), or undefined for any other record. The runtime answers an
 * untyped error with its name alone; a test, which has no plugin log beside its report, shows this.
 */
export function thrownBy(record: Pick<LogRecord, 'message' | 'fields'>): Error | undefined {
  const message = record.fields?.error;
  if (!record.message.startsWith(HANDLER_THREW) || typeof message !== 'string') return undefined;
  const error = new Error(message);
  error.name = record.message.slice(HANDLER_THREW.length);
  const stack = record.fields?.stack;
  error.stack = typeof stack === 'string' ? stack : `${error.name}: ${message}`;
  return error;
}
