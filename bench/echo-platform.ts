import type { LocalPlatform, startLocalPlatform } from '../lib/local/platform';

/**
 * A local platform in memory with one echo instance, `bench-echo`, created over the API: what the
 * invoke cases call, at `url` with `authorization`. `start` is a checkout's own startLocalPlatform
 * (compare-in-process.ts starts another checkout's).
 */
export async function startEchoPlatform(
  start: typeof startLocalPlatform,
): Promise<{ platform: LocalPlatform; url: string; authorization: string }> {
  const platform = await start({ memory: true, port: 0, watch: false, logSink: () => {} });
  const authorization = `Bearer ${platform.token}`;
  const created = await fetch(`${platform.url}/v1/instances`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench-echo', plugin: 'echo' }),
  });
  if (created.status !== 201) throw new Error(`creating the echo instance answered ${created.status}`);
  return { platform, url: `${platform.url}/v1/instances/bench-echo/actions/echo`, authorization };
}
