import type { CredentialResolver } from '../core/ports';
import { ReadCache } from '../core/read-cache';

/**
 * How long a plugin's Lambda environment reuses credentials it resolved for an instance version.
 * Every credentials write through the platform makes a new version, so this bounds only a secret
 * changed behind the platform's back (in the Secrets Manager console, say).
 */
export const CREDENTIALS_REUSE_MS = 60_000;
/** Instance versions whose credentials one environment keeps at most; the oldest kept go first. */
const KEPT = 256;

/**
 * A plugin function's credentials, read once per instance version and reused by the environment's
 * later calls of it: each read is a Secrets Manager GetSecretValue, tens of milliseconds before the
 * handler runs and billed per call, which every call of an instance with credentials made. A call
 * without a version (from a dispatcher that sends none), values not found and failures are never
 * reused. Locally the worker asks the platform on every call, which scrubs a crash's log of the
 * values of the calls under way.
 */
export class ReusedCredentials implements CredentialResolver {
  private readonly kept: ReadCache<Record<string, string>>;

  constructor(
    private readonly resolver: CredentialResolver,
    now: () => number = Date.now,
  ) {
    this.kept = new ReadCache(CREDENTIALS_REUSE_MS, KEPT, now);
  }

  resolve(ref: string, version?: number): Promise<Record<string, string> | undefined> {
    if (version === undefined) return this.resolver.resolve(ref);
    return this.kept.read(`${version}\u0000${ref}`, () => this.resolver.resolve(ref));
  }
}
