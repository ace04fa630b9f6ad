import type { EnvelopeKind, SerializedResponse } from '../envelope';
import type { Redactor } from './redact';

/**
 * A call's result with its secrets scrubbed, the HTTP passthrough's body too: that travels as
 * base64, where the redactor's walk of the text cannot see a secret.
 */
export function redactResult(kind: EnvelopeKind, result: unknown, redact: Redactor): unknown {
  const scrubbed = redact(result);
  const response = scrubbed as Partial<SerializedResponse> | null;
  if (kind === 'http' && typeof response?.body === 'string')
    response.body = redact.bytes(Buffer.from(response.body, 'base64')).toString('base64');
  return scrubbed;
}
