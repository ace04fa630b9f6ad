import { type BinaryToTextEncoding, createHmac, timingSafeEqual } from 'node:crypto';
import { definePlugin, type PluginContext } from 'plugboard/sdk';

// Only actions sign, and the runtime answers an action CredentialsMissing until the key is set.
function sign(
  ctx: PluginContext<{ algorithm: string; encoding: BinaryToTextEncoding }, { signingKey: string }>,
  payload: string,
): { signature: string; algorithm: string } {
  const { algorithm, encoding } = ctx.options;
  return {
    signature: createHmac(algorithm, ctx.credentials.signingKey).update(payload, 'utf8').digest(encoding),
    algorithm,
  };
}

/** Signs and verifies payloads with an HMAC whose key is a secret credential that never leaves the plugin. */
export default definePlugin({
  manifest: {
    slug: 'hmac-signer',
    name: 'HMAC signer',
    version: '1.0.0',
    description: 'Signs payloads and verifies signatures with an HMAC key kept as a secret credential.',
    apiVersion: 1,
    authType: 'api_token',
    options: [
      {
        name: 'algorithm',
        label: 'Hash algorithm',
        type: 'string',
        choices: ['sha256', 'sha512'],
        default: 'sha256',
      },
      {
        name: 'encoding',
        label: 'Signature encoding',
        type: 'string',
        choices: ['hex', 'base64'],
        default: 'hex',
      },
    ],
    credentials: [
      {
        name: 'signingKey',
        label: 'Signing key',
        description: 'The shared HMAC secret.',
        required: true,
        secret: true,
      },
    ],
    actions: [
      {
        name: 'sign',
        label: 'Sign a payload',
        requiredParams: [{ name: 'payload', label: 'Payload', type: 'string' }],
      },
      {
        name: 'verify',
        label: 'Verify a signature',
        requiredParams: [
          { name: 'payload', label: 'Payload', type: 'string' },
          { name: 'signature', label: 'Signature', type: 'string' },
        ],
      },
    ],
    docs: {
      overview: {
        summary: 'HMAC signatures with a key the platform stores as a secret credential.',
        detail: 'Set the key with PUT /v1/instances/{name}/credentials; no answer or log ever contains it.',
      },
    },
  },
  actions: {
    sign(ctx, params) {
      const result = sign(ctx, params.payload);
      ctx.log.info('payload signed', {
        algorithm: result.algorithm,
        bytes: Buffer.byteLength(params.payload),
      });
      return result;
    },
    verify(ctx, params) {
      const expected = Buffer.from(sign(ctx, params.payload).signature);
      const given = Buffer.from(params.signature);
      // Compare in constant time so the answer's timing says nothing about the expected signature.
      const valid = expected.length === given.length && timingSafeEqual(expected, given);
      ctx.log.info('signature checked', { valid });
      return { valid };
    },
  },
});
