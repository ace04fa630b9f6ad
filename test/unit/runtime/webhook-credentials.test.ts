/**
 * A webhook action's ctx.credentials is typed as a caller's call's are, the required ones present
 * (test/unit/sdk/ctx-credentials-types.test.ts): a rule runs it only for an instance whose
 * credentials are set (webhook-target.ts), and the runtime answers CredentialsMissing for one whose
 * resolved credentials lack a required one, rather than run it. A lifecycle hook, typed without them,
 * runs either way.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runEnvelope } from '../../../lib/core/runtime/run-envelope';
import { definePlugin } from '../../../lib/sdk/define-plugin';
import {
  CREDENTIALS,
  OPTIONAL_CREDENTIALS,
  REQUIRED_CREDENTIALS,
  SECRET_OPTIONS,
} from '../../fixtures/instance-credentials';
import { QUIET_SERVICES } from './run-action';

const hooked = definePlugin({
  manifest: {
    slug: 'hooked',
    name: 'Hooked',
    version: '1.0.0',
    apiVersion: 1,
    types: ['webhook', 'lifecycle'],
    authType: 'api_token',
    credentials: CREDENTIALS,
    options: SECRET_OPTIONS,
    webhookActions: [{ name: 'record', label: 'Record' }],
  },
  webhook: {
    record: (ctx) => [ctx.credentials.token, ctx.credentials.apiKey].map((value) => value.length),
  },
  lifecycle: { onInstanceCreated: (ctx) => Object.keys(ctx.credentials).sort() },
});

const call = { payload: {}, headers: {}, actionConfig: {}, deliveryId: 'd-1', source: 's' };
const run = (kind: 'webhook' | 'lifecycle', name: string, credentials: Record<string, string>) =>
  runEnvelope(
    hooked,
    {
      v: 1,
      kind,
      plugin: 'hooked',
      instance: 'i',
      name,
      input: kind === 'webhook' ? call : {},
      credentialsRef: 'ref',
      requestId: 'r',
      deadline: Date.now() + 5_000,
    },
    { ...QUIET_SERVICES, credentials: { resolve: async () => credentials } },
  );

describe('a webhook action on the runtime', () => {
  it('runs with the required credentials, and is answered CredentialsMissing without one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.subarray([...REQUIRED_CREDENTIALS, ...OPTIONAL_CREDENTIALS]), async (names) => {
        const credentials = Object.fromEntries(names.map((name) => [name, `${name}-value`]));
        const missing = REQUIRED_CREDENTIALS.filter((name) => !names.includes(name));
        const answer = await run('webhook', 'record', credentials);
        if (missing.length === 0) {
          expect(answer).toEqual({ ok: true, result: ['token-value'.length, 'apiKey-value'.length] });
        } else {
          expect(answer).toMatchObject({ ok: false, error: { code: 'CredentialsMissing' } });
          for (const name of missing) expect(JSON.stringify(answer)).toContain(name);
        }
        // A lifecycle hook runs whichever are set.
        expect(await run('lifecycle', 'onInstanceCreated', credentials)).toEqual({
          ok: true,
          result: [...names].sort(),
        });
      }),
      { numRuns: 30 },
    );
  });
});
