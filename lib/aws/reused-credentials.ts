import type { CredentialResolver } from '../core/ports';

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
  private readonly kept = new Map<
    string,
    { readonly values: Record<string, string>; readonly until: number }
  >();

  constructor(
    private readonly resolver: CredentialResolver,
    private readonly now: () => number = Date.now,
  ) {}

  async resolve(ref: string, version?: number): Promise<Record<string, string> | undefined> {
    if (version === undefined) return this.resolver.resolve(ref);
    const key = `${version}\u0000${ref}`;
    const hit = this.kept.get(key);
    if (hit && hit.until > this.now()) return hit.values;
    const values = await this.resolver.resolve(ref);
    this.kept.delete(key);
    if (values === undefined) return undefined;
    this.kept.set(key, { values, until: this.now() + CREDENTIALS_REUSE_MS });
    if (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value!);
    return values;
  }
}
