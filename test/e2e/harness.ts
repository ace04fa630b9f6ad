import { type LocalPlatform, type LocalPlatformOptions, startLocalPlatform } from '../../lib/local/platform';

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON bodies
  body: any;
}

/**
 * A platform started for a test (memory registry, free port, no watching) with a client that
 * records every response and log line, so a test can check that nothing leaked.
 */
export async function startTestPlatform(options: LocalPlatformOptions = {}) {
  const logLines: string[] = [];
  const platform: LocalPlatform = await startLocalPlatform({
    memory: true,
    port: 0,
    watch: false,
    logSink: (line) => logLines.push(line),
    ...options,
  });
  const seen: string[] = [];
  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> {
    const response = await fetch(`${platform.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${platform.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await response.text();
    seen.push(text, JSON.stringify([...response.headers]));
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed };
  }
  /** Creates an instance, failing the test unless the platform answers 201. */
  async function createInstance(name: string, plugin: string, options: Record<string, unknown> = {}) {
    const res = await call('POST', '/v1/instances', { name, plugin, options });
    if (res.status !== 201) throw new Error(`creating ${name} answered ${res.status}: ${res.text}`);
    return res.body;
  }
  return { platform, call, createInstance, logLines, seen, close: () => platform.close() };
}
export type TestPlatform = Awaited<ReturnType<typeof startTestPlatform>>;

/** What the audit-log plugin's instance has seen (its `seen` action). */
export const auditSeen = async (pb: TestPlatform, instance: string) =>
  (await pb.call('POST', `/v1/instances/${instance}/actions/seen`, {})).body.result;
