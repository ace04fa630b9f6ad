import { signBody } from '../../lib/core/webhooks/signature';

/**
 * Posts a webhook to `source` as a sender would: no bearer token, the raw body signed with `secret`
 * in the default signature header; `headers` add to the request or replace those.
 */
export function sendWebhook(
  baseUrl: string,
  source: string,
  { secret, body, deliveryId }: { secret: string; body: string; deliveryId: string },
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${baseUrl}/v1/webhooks/${source}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': signBody(secret, Buffer.from(body)),
      'x-delivery-id': deliveryId,
      ...headers,
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
}
