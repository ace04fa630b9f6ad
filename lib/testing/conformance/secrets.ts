import { randomBytes, randomUUID } from 'node:crypto';
import { CONTRACTS, type ContractType, type WebhookCall } from '../../sdk/contracts';
import { credentialFields } from '../../sdk/credential-fields';
import type { Manifest } from '../../sdk/manifest';
import { assert, check, skip } from './check';
import { ConformanceHarness } from './harness';
import type { ConformanceCheck } from './types';

/** A canary per credential and secret option, unlike anything a plugin would print by chance. */
export const canaryCredentials = (manifest: Manifest): Record<string, string> =>
  Object.fromEntries(
    credentialFields(manifest).map((c) => [c.name, `canary-${c.name}-${randomBytes(12).toString('hex')}`]),
  );

/** The forms a leaked secret commonly takes: as is, base64, base64url, hex and reversed. */
const encodings = (secret: string): string[] => {
  const bytes = Buffer.from(secret, 'utf8');
  return [
    secret,
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    [...secret].reverse().join(''),
  ];
};

/** Scans every answer, log record and event the harness saw for its canary credentials. */
export function secretsCheck(h: ConformanceHarness): Promise<ConformanceCheck> {
  return check('secrets: credentials never appear in answers, logs or events', async () => {
    const seen = JSON.stringify([h.answers, h.logs, h.published]);
    for (const [name, canary] of Object.entries(h.credentials)) {
      const leaked = encodings(canary).find((form) => seen.includes(form));
      assert(leaked === undefined, `the value of credential "${name}" appears in the plugin's output`);
    }
    const count = Object.keys(h.credentials).length;
    const scanned = `${h.answers.length} answers, ${h.logs.length} log records, ${h.published.length} events`;
    return count === 0
      ? `no credentials declared; ${scanned} scanned`
      : `${count} canary credential(s); ${scanned} clean`;
  });
}

/**
 * A plugin that requires credentials is refused by the runtime when an instance has none, in a
 * caller's calls (actions and operations) and in webhook actions (see `needsCredentials`): the
 * first of them is called without any. The runtime refuses before the handler runs, so the call's
 * input need not be one the handler takes.
 */
export function credentialsRequiredCheck(h: ConformanceHarness): Promise<ConformanceCheck> {
  const name = 'secrets: a call without required credentials answers CredentialsMissing';
  const target = firstNeedingCredentials(h.manifest);
  if (!target) return Promise.resolve(skip(name, 'no action, operation or webhook action to call'));
  return check(name, async () => {
    const answer = await new ConformanceHarness(h.plugin, h.manifest, h.fixtures).call(
      target.kind,
      target.name,
      target.input,
    );
    assert(
      !answer.ok && answer.error.code === 'CredentialsMissing',
      `${target.kind} ${target.name} answered ${answer.ok ? 'ok' : answer.error.code}`,
    );
    return `${target.kind} ${target.name}: CredentialsMissing`;
  });
}

function firstNeedingCredentials(manifest: Manifest) {
  const action = manifest.actions[0];
  if (action) return { kind: 'action' as const, name: action.name, input: {} };
  const type = manifest.types.find((t): t is ContractType => t in CONTRACTS);
  if (type)
    return { kind: 'operation' as const, name: `${type}.${Object.keys(CONTRACTS[type])[0]}`, input: {} };
  const webhook = manifest.webhookActions[0];
  if (!webhook) return undefined;
  const call: WebhookCall = {
    payload: {},
    headers: {},
    actionConfig: {},
    deliveryId: randomUUID(),
    source: 'conformance',
  };
  return { kind: 'webhook' as const, name: webhook.name, input: call };
}
