import { invalidCursor } from '../core/page-cursor-text';
import { PlugboardError } from '../sdk/errors';
import { isSdkError } from './lazy-sdk';

export const isConditionFailure = (error: unknown) => isSdkError(error, 'ConditionalCheckFailedException');

/** DynamoDB's errors in the platform's terms; the conditional-check failure is left to the caller. */
export function registryError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof PlugboardError) return error;
  if (isConditionFailure(error)) return error;
  switch (error.name) {
    case 'ValidationException':
      if (/item size/i.test(error.message)) {
        return new PlugboardError(
          'PayloadTooLarge',
          'the item is larger than the 400 KB a registry item holds',
        );
      }
      if (/starting key|exclusivestartkey/i.test(error.message)) {
        return invalidCursor();
      }
      return error;
    case 'ProvisionedThroughputExceededException':
    case 'ThrottlingException':
    case 'RequestLimitExceeded':
      return new PlugboardError('Unavailable', 'the registry is busy; retry shortly');
    case 'ResourceNotFoundException':
      return new PlugboardError('Unavailable', 'the registry table does not exist');
    default:
      return error;
  }
}
