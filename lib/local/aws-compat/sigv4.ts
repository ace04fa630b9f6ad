/**
 * The local AWS endpoints accept any SigV4 signature (there are no real keys to check it against)
 * but require one that is well formed and scoped to the right service, as the real endpoints do, so
 * that a tool which would be refused by AWS for a missing or wrong signature is refused here too.
 */
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=[^/\s,]+\/\d{8}\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=[a-z0-9-]+(?:;[a-z0-9-]+)*,\s*Signature=[0-9a-f]{64}$/;

export type SignatureCheck =
  | { ok: true; region: string; service: string }
  | { ok: false; status: 400 | 403; code: string; message: string };

export function checkSignature(authorization: string | undefined, service: string): SignatureCheck {
  if (!authorization)
    return {
      ok: false,
      status: 403,
      code: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    };
  const match = AUTHORIZATION.exec(authorization);
  if (!match) {
    return {
      ok: false,
      status: 400,
      code: 'IncompleteSignatureException',
      message:
        'Authorization header requires AWS4-HMAC-SHA256 with Credential=<key>/<date>/<region>/<service>/aws4_request, SignedHeaders and Signature',
    };
  }
  const [, region, scoped] = match as unknown as [string, string, string];
  if (scoped !== service) {
    return {
      ok: false,
      status: 403,
      code: 'InvalidSignatureException',
      message: `Credential should be scoped to correct service: '${service}'.`,
    };
  }
  return { ok: true, region, service };
}
