import { describe, expect, it } from 'vitest';
import { resolvePointer } from '../../../lib/core/webhooks/json-pointer';
import { signatureMatches, signBody } from '../../../lib/core/webhooks/signature';

describe('webhook signatures', () => {
  const body = Buffer.from('{"a":1}');
  it('accepts the sha256=<hex> HMAC of the raw body', () => {
    expect(signatureMatches('secret', body, signBody('secret', body))).toBe(true);
    expect(
      signatureMatches('secret', body, signBody('secret', body).toUpperCase().replace('SHA256', 'sha256')),
    ).toBe(true);
  });
  it('refuses another secret, another body, a missing or malformed header', () => {
    expect(signatureMatches('secret', body, signBody('other', body))).toBe(false);
    expect(signatureMatches('secret', Buffer.from('{"a":2}'), signBody('secret', body))).toBe(false);
    expect(signatureMatches('secret', body, undefined)).toBe(false);
    expect(signatureMatches('secret', body, 'sha256=abc')).toBe(false);
    expect(signatureMatches('secret', body, signBody('secret', body).replace('sha256=', 'sha1='))).toBe(
      false,
    );
  });
});

describe('resolvePointer', () => {
  it('follows RFC 6901, escapes included', () => {
    const doc = { a: { 'b/c': [10, { 'd~e': 'x' }] } };
    expect(resolvePointer(doc, '/a/b~1c/1/d~0e')).toBe('x');
    expect(resolvePointer(doc, '/a/b~1c/0')).toBe(10);
    expect(resolvePointer(doc, '')).toBe(doc);
    expect(resolvePointer(doc, '/missing/x')).toBeUndefined();
  });
});
