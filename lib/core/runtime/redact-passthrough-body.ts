import type { EnvelopeKind, SerializedResponse } from '../envelope';
import type { Redactor } from './redact';

/**
 * A result the redactor has walked, with the HTTP passthrough's body scrubbed too: that travels as
 * base64, where the walk of the text cannot see a secret.
 */
export function redactPassthroughBody(kind: EnvelopeKind, scrubbed: unknown, redact: Redactor): unknown {
  const response = scrubbed as Partial<SerializedResponse> | null;
  if (kind === 'http' && typeof response?.body === 'string')
    response.body = redact.bytes(Buffer.from(response.body, 'base64')).toString('base64');
  return scrubbed;
}
