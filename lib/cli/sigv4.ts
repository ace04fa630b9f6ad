import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { SignatureV4 } from '@smithy/signature-v4';
import { PlugboardError, ValidationError } from '../sdk/errors';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (data: SourceData): string | Uint8Array =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

/** node:crypto's SHA-256, an HMAC when given a secret, in the shape the SigV4 signer takes. */
class NodeSha256 {
  private hash: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.hash = this.make();
  }
  private make(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    this.hash = this.make();
  }
}

/** The region of an API Gateway URL (`https://<id>.execute-api.<region>.amazonaws.com/…`). */
export function executeApiRegion(endpoint: string): string | undefined {
  let host: string;
  try {
    host = new URL(endpoint).hostname;
  } catch {
    return undefined;
  }
  return /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1];
}

/** A region named by `source`, refused in one line when it is not one. */
export function checkedRegion(region: string, source: string): string {
  if (!/^[a-z]{2}(?:-[a-z]+)+-\d+$/.test(region))
    throw new ValidationError(`${source}: "${region}" is not an AWS region (like eu-west-1)`);
  return region;
}

/**
 * The `region` of the profile that signs (`profile`, else AWS_PROFILE, else `default`) in the shared
 * config and credentials files, as the AWS CLI and SDK read it when nothing else names one.
 */
async function profileRegion(profile: string | undefined): Promise<string> {
  const { getProfileName, loadSharedConfigFiles } = await import('@smithy/core/config');
  const name = getProfileName(profile ? { profile } : {});
  // Read afresh: a process that made an earlier client may have read the files before they changed.
  const { configFile, credentialsFile } = await loadSharedConfigFiles({ ignoreCache: true });
  const region = credentialsFile[name]?.region ?? configFile[name]?.region;
  if (region === undefined)
    throw new ValidationError(
      `--sigv4 needs a region: give it (--sigv4 eu-west-1), set AWS_REGION, or set region in profile ${JSON.stringify(name)} (aws configure)`,
    );
  return checkedRegion(region, `region of profile ${JSON.stringify(name)}`);
}

/**
 * Signs each request as the HTTP API's IAM authorization checks it (SigV4, service `execute-api`),
 * with the credentials the AWS CLI would find (environment, profile, SSO), or those of `profile`
 * (the environment's keys then left aside, as the AWS CLI's `--profile` does), looked up once, for
 * `region` or else the profile's. The signer and the credential chain load on the first request, so
 * commands that talk to the local platform never load them.
 */
export function sigv4Signer(
  region: string | undefined,
  { profile }: { profile?: string | undefined } = {},
): (request: Request) => Promise<Request> {
  let signer: Promise<SignatureV4> | undefined;
  const load = async () => {
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
    const provider = defaultProvider(profile ? { profile } : {});
    return new SignatureV4({
      service: 'execute-api',
      region: region === undefined ? await profileRegion(profile) : checkedRegion(region, '--sigv4'),
      credentials: provider,
      sha256: NodeSha256,
    });
  };
  return async (request) => {
    signer ??= load();
    const url = new URL(request.url);
    const body = request.body === null ? undefined : await request.text();
    const headers: Record<string, string> = { host: url.host };
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const query: Record<string, string[]> = {};
    for (const name of new Set(url.searchParams.keys())) query[name] = url.searchParams.getAll(name);
    const signed = await (await signer)
      .sign({
        method: request.method,
        protocol: url.protocol,
        hostname: url.hostname,
        ...(url.port ? { port: Number(url.port) } : {}),
        path: url.pathname,
        query,
        headers,
        body,
      })
      .catch((error: unknown) => {
        throw new PlugboardError(
          'Unauthenticated',
          `found no AWS credentials to sign with${profile ? ` in profile ${JSON.stringify(profile)}` : ''} (${error instanceof Error ? error.message : String(error)}): set AWS_PROFILE (or --profile), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or sign in with \`aws sso login\``,
        );
      });
    // fetch writes Host from the URL itself, the value signed.
    const { host: _host, ...sent } = signed.headers;
    return new Request(request.url, { method: request.method, headers: sent, body, signal: request.signal });
  };
}
