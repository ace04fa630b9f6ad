import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<hex>` of the HMAC-SHA256 of the raw body, as GitHub and most senders write it. */
export function signBody(secret: string, body: Uint8Array): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Compares in constant time; a missing or malformed header never matches. */
export function signatureMatches(secret: string, body: Uint8Array, header: string | undefined): boolean {
  if (header === undefined || !/^sha256=[0-9a-fA-F]{64}$/.test(header)) return false;
  const expected = Buffer.from(signBody(secret, body).slice('sha256='.length), 'hex');
  const given = Buffer.from(header.slice('sha256='.length), 'hex');
  return timingSafeEqual(expected, given);
}
