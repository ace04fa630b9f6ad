import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { clientFor } from '../../../lib/cli/api';
import { runCli } from '../../../lib/cli/program';
import { executeApiRegion } from '../../../lib/cli/sigv4';
import { startTestPlatform, type TestPlatform } from '../../e2e/harness';
import { GATEWAY_REFUSAL, startSigv4Gateway } from '../../fixtures/sigv4-gateway';

const REGION = 'eu-west-1';
const KEYS = {
  accessKeyId: 'AKIDPLUGBOARDTEST',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-of-the-test',
};

let platform: TestPlatform;
let gateway: Awaited<ReturnType<typeof startSigv4Gateway>>;
let home: string;
const saved = { ...process.env };

/**
 * The credentials the AWS CLI would find: only these keys, with no shared config or credentials
 * file and no instance metadata, so that the chain never reads this machine's or the network's.
 */
function useCredentials(keys: Partial<typeof KEYS>): void {
  process.env = { ...saved };
  for (const name of [
    'AWS_PROFILE',
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'PLUGBOARD_TOKEN',
  ])
    delete process.env[name];
  Object.assign(process.env, {
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...(keys.accessKeyId ? { AWS_ACCESS_KEY_ID: keys.accessKeyId } : {}),
    ...(keys.secretAccessKey ? { AWS_SECRET_ACCESS_KEY: keys.secretAccessKey } : {}),
    ...(keys.sessionToken ? { AWS_SESSION_TOKEN: keys.sessionToken } : {}),
  });
}

async function plugboard(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...line) => void out.push(line.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...line) => void err.push(line.join(' ')));
  await runCli(['node', 'plugboard', ...args]);
  vi.restoreAllMocks();
  const code = process.exitCode ?? 0;
  process.exitCode = undefined;
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'plugboard-sigv4-'));
  platform = await startTestPlatform();
  gateway = await startSigv4Gateway({
    keys: KEYS,
    region: REGION,
    platformUrl: platform.platform.url,
    platformToken: platform.platform.token,
  });
});
afterAll(async () => {
  process.env = saved;
  await gateway?.close();
  await platform?.close();
  await rm(home, { recursive: true, force: true });
});
afterEach(() => {
  process.env = { ...saved };
  gateway.refused.length = 0;
});

describe('the CLI against an HTTP API with IAM auth (--sigv4)', () => {
  it('signs reads, writes with a body and queries as API Gateway checks them', async () => {
    useCredentials(KEYS);
    const at = ['--endpoint', gateway.url, '--sigv4', REGION];
    const listed = await plugboard('plugins', 'list', '--json', ...at);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(listed.stdout).plugins.map((p: { slug: string }) => p.slug)).toContain('echo');

    const created = await plugboard('instances', 'create', 'signed-echo', '--plugin', 'echo', ...at);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect((await platform.call('GET', '/v1/instances/signed-echo')).status).toBe(200);

    const filtered = await plugboard('instances', 'list', '--plugin', 'echo', '--json', ...at);
    expect(filtered.code).toBe(0);
    expect(JSON.parse(filtered.stdout).map((i: { name: string }) => i.name)).toContain('signed-echo');
    expect(gateway.refused).toEqual([]);
  });

  it('is refused by the gateway when the keys are not the ones it knows, and says so in one line', async () => {
    useCredentials({ ...KEYS, secretAccessKey: 'not-the-secret' });
    const answered = await plugboard('plugins', 'list', '--endpoint', gateway.url, '--sigv4', REGION);
    expect(answered.code).not.toBe(0);
    expect(answered.stderr).toBe(`plugboard: Forbidden (403): ${GATEWAY_REFUSAL.slice(0, 200)}`);
    expect(gateway.refused).toEqual(['signature mismatch']);
  });

  it("signs with a named profile's keys (--profile), leaving the environment's aside", async () => {
    // The environment holds keys the gateway does not know: only the profile's can pass.
    useCredentials({ accessKeyId: 'AKIDOFTHEENVIRONMENT', secretAccessKey: 'not-the-secret' });
    await writeFile(
      join(home, 'credentials'),
      `[ops]\naws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\naws_session_token = ${KEYS.sessionToken}\n`,
    );
    try {
      process.env.AWS_REGION = REGION;
      const listed = await plugboard('plugins', 'list', '--endpoint', gateway.url, '--profile', 'ops');
      expect(listed).toMatchObject({ code: 0, stderr: '' });
      expect(gateway.refused).toEqual([]);
      const unknown = await plugboard('plugins', 'list', '--endpoint', gateway.url, '--profile', 'nobody');
      expect(unknown.stderr).toMatch(
        /^plugboard: found no AWS credentials to sign with in profile "nobody" \(/,
      );
    } finally {
      await rm(join(home, 'credentials'), { force: true });
    }
  });

  it("reads the region from the signing profile's config when nothing else names it", async () => {
    // The gateway checks the region in the signature's scope: only eu-west-1 passes.
    useCredentials(KEYS);
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    await writeFile(
      join(home, 'config'),
      `[default]\nregion = ${REGION}\n[profile ops]\nregion = ${REGION}\n[profile elsewhere]\nregion = us-east-1\n[profile odd]\nregion = Mars\n`,
    );
    const keys = `aws_access_key_id = ${KEYS.accessKeyId}\naws_secret_access_key = ${KEYS.secretAccessKey}\naws_session_token = ${KEYS.sessionToken}\n`;
    await writeFile(join(home, 'credentials'), `[ops]\n${keys}[elsewhere]\n${keys}[odd]\n${keys}`);
    try {
      const byDefault = await plugboard('plugins', 'list', '--endpoint', gateway.url, '--sigv4');
      expect(byDefault).toMatchObject({ code: 0, stderr: '' });
      const byProfile = await plugboard('plugins', 'list', '--endpoint', gateway.url, '--profile', 'ops');
      expect(byProfile).toMatchObject({ code: 0, stderr: '' });
      expect(gateway.refused).toEqual([]);

      process.env.AWS_PROFILE = 'elsewhere';
      const otherRegion = await plugboard('plugins', 'list', '--endpoint', gateway.url, '--sigv4');
      expect(otherRegion.code).not.toBe(0);
      expect(gateway.refused).toEqual(['scope us-east-1/execute-api']);

      process.env.AWS_PROFILE = 'odd';
      const odd = await plugboard('plugins', 'list', '--endpoint', gateway.url, '--sigv4');
      expect(odd.stderr).toBe(
        'plugboard: region of profile "odd": "Mars" is not an AWS region (like eu-west-1)',
      );
    } finally {
      await rm(join(home, 'config'), { force: true });
      await rm(join(home, 'credentials'), { force: true });
    }
  });

  it('names what is missing when no credentials are found, without a stack', async () => {
    useCredentials({});
    const answered = await plugboard('plugins', 'list', '--endpoint', gateway.url, '--sigv4', REGION);
    expect(answered.code).not.toBe(0);
    expect(answered.stderr).toMatch(
      /^plugboard: found no AWS credentials to sign with \(.*\): set AWS_PROFILE/,
    );
    expect(answered.stderr).not.toMatch(/\n\s+at /);
    expect(gateway.refused).toEqual([]);
  });

  it('refuses a bearer token beside --sigv4, and a region it cannot tell', async () => {
    useCredentials(KEYS);
    const both = await plugboard('plugins', 'list', '--endpoint', gateway.url, '--sigv4', '--token', 'jwt');
    expect(both.stderr).toBe(
      'plugboard: pass either --token (a JWT) or --sigv4 or --profile (IAM), not both',
    );
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    const unknown = await plugboard('plugins', 'list', '--endpoint', gateway.url, '--sigv4');
    expect(unknown.stderr).toBe(
      'plugboard: --sigv4 needs a region: give it (--sigv4 eu-west-1), set AWS_REGION, or set region in profile "default" (aws configure)',
    );
    expect(unknown.code).not.toBe(0);
    const wrong = await plugboard('plugins', 'list', '--endpoint', gateway.url, '--sigv4', 'Europe');
    expect(wrong.stderr).toBe('plugboard: --sigv4: "Europe" is not an AWS region (like eu-west-1)');
  });
});

describe('which requests are signed', () => {
  it("reads the region of an execute-api URL, and nothing else's", () => {
    expect(executeApiRegion('https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com')).toBe('eu-west-1');
    expect(executeApiRegion('https://a1b2c3d4e5.execute-api.cn-north-1.amazonaws.com.cn/v1')).toBe(
      'cn-north-1',
    );
    expect(executeApiRegion('https://api.example.com')).toBeUndefined();
    expect(executeApiRegion('http://127.0.0.1:4680')).toBeUndefined();
    expect(executeApiRegion('not a url')).toBeUndefined();
  });

  it('signs for an execute-api URL given no token, and sends a given token (a JWT) unsigned', async () => {
    useCredentials(KEYS);
    const sent: Request[] = [];
    // The request as it would leave for AWS, caught before it does: no test reaches the network.
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
      sent.push(input as Request);
      return Response.json({ status: 'ok' });
    });
    const url = 'https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com';
    await clientFor({ endpoint: url }).health();
    await clientFor({ endpoint: url, token: 'a.jwt.token' }).health();
    vi.restoreAllMocks();
    expect(sent[0]!.headers.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDPLUGBOARDTEST\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=/,
    );
    expect(sent[0]!.headers.get('x-amz-security-token')).toBe(KEYS.sessionToken);
    expect(sent[1]!.headers.get('authorization')).toBe('Bearer a.jwt.token');
  });
});
