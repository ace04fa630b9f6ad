import type { PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { PlugboardError } from '../sdk/errors';

/**
 * Codes no retry mends, because the deployment is wrong: the bus is missing, the function's role may
 * not put events on it (or not of this source or detail type), or its ARN names no valid account.
 */
const DEPLOYMENT = new Set([
  'AccessDeniedException',
  'ResourceNotFoundException',
  'NotAuthorizedForSourceException',
  'NotAuthorizedForDetailTypeException',
  'InvalidAccountIdException',
]);

/**
 * Codes by which EventBridge refuses what it was sent. The platform's checks (checkEvent, the
 * batching) keep such a request from being sent, so one is the platform's bug, refused again if sent
 * again.
 */
const INVALID = new Set([
  'ValidationException',
  'SerializationException',
  'InvalidArgument',
  'MalformedDetail',
  'RedactionFailure',
]);

/**
 * What an EventBridge error code says, the same whether it came for the whole request (the SDK's
 * exception's name) or for one entry (PutEventsResultEntry's ErrorCode). Any other code (throttling,
 * EventBridge's 5xx, no answer at all, a code not listed here) is taken as transient: retried, then
 * Unavailable, as every failure was before codes were told apart.
 */
export function eventBridgeFault(code: string): 'transient' | 'deployment' | 'invalid' {
  if (DEPLOYMENT.has(code)) return 'deployment';
  if (INVALID.has(code)) return 'invalid';
  return 'transient';
}

/**
 * A 500 naming the codes for whoever deploys the platform; not EventBridge's message, which names the
 * role, the account and the bus. The platform's own events it refuses are parked for a redrive
 * (parkingBus), to be published once the deployment is mended.
 */
export const deploymentFault = (
  codes: readonly string[],
  refused = "the platform's events",
): PlugboardError =>
  new PlugboardError(
    'Internal',
    `the event bus is missing or will not take ${refused} (${codes.join(', ')}); the deployment needs fixing, and a retry will not help`,
  );

/**
 * Entries EventBridge refused, as one error: a deployment fault if any says so, otherwise an Error
 * named by the first code, as the SDK names the exception of a refused request. Not a PlugboardError,
 * so it is met as the SDK's own error is: logged with EventBridge's messages where it is caught, the
 * bare 500 of every unexpected error to the caller, not parked to be refused again.
 */
export function refusedEntries(results: readonly PutEventsResultEntry[]): Error {
  const codes = [...new Set(results.map((result) => result.ErrorCode ?? 'Unknown'))];
  const deployment = codes.filter((code) => eventBridgeFault(code) === 'deployment');
  if (deployment.length > 0) return deploymentFault(deployment);
  const reasons = results.map((result) => `${result.ErrorCode}: ${result.ErrorMessage ?? 'no message'}`);
  const error = new Error(
    `EventBridge refused ${results.length} event(s) as not valid, which the platform's checks should have caught (${reasons.join('; ')})`,
  );
  error.name = codes[0]!;
  return error;
}
