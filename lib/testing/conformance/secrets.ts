import { randomBytes } from 'node:crypto';
import { CONTRACTS, type ContractType } from '../../sdk/contracts';
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
 * caller's calls (actions and operations) and webhook actions (see `needsCredentials`): webhook
 * deliveries never reach an instance without them, so a plugin with nothing else has nothing a
 * caller sees answered CredentialsMissing.
 */
export function credentialsRequiredCheck(h: ConformanceHarness): Promise<ConformanceCheck> {
  const name = 'secrets: a call without required credentials answers CredentialsMissing';
  const type = h.manifest.types.find((t): t is ContractType => t in CONTRACTS);
  const action = h.manifest.actions[0];
  const target = action
    ? { kind: 'action' as const, name: action.name }
    : type && { kind: 'operation' as const, name: `${type}.${Object.keys(CONTRACTS[type])[0]}` };
  if (!target)
    return Promise.resolve(
      skip(
        name,
        'no action or operation to call; the platform skips webhook deliveries to an instance without its credentials',
      ),
    );
  return check(name, async () => {
    const answer = await new ConformanceHarness(h.plugin, h.manifest, h.fixtures).call(
      target.kind,
      target.name,
      {},
    );
    assert(
      !answer.ok && answer.error.code === 'CredentialsMissing',
      `answered ${answer.ok ? 'ok' : answer.error.code}`,
    );
    return 'CredentialsMissing';
  });
}
