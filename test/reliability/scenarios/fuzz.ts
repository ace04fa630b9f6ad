import { tmpdir } from 'node:os';
import fc from 'fast-check';
import type { TestPlatform } from '../../e2e/harness';
import { type FuzzRequest, fuzzRequest, routesOf } from './fuzz-requests';

/** Instances the fuzzer never names: any change to them is damage done through another route. */
const KEPT = ['keep-echo', 'keep-kv', 'keep-inc'] as const;
/** Instances and names the fuzzer aims at, so requests get past "not found" into the handlers. */
const TARGETS = [
  ['echo-1', 'echo'],
  ['kv-1', 'kv-config'],
  ['inc-1', 'incrementer'],
] as const;
const KNOWN_NAMES = [
  ...TARGETS.flat(),
  'echo',
  'increment',
  'status',
  'configuration.getValues',
  'configuration.setValue',
  'configuration.listKeys',
  'configuration.deleteKey',
  'gh',
  'fresh-name',
];
const OVERSIZED_BYTES = 6 * 1024 * 1024 + 512 * 1024;
const STACK_OR_PATH = /\bat .+:\d+:\d+|node:internal|node_modules|\.tsx?\b|\.m?js:\d/;

export interface FuzzResult {
  requests: number;
  status5xx: number;
  status500: number;
  oversized: number;
  byStatus: Record<string, number>;
  /** At most 20 described violations: 500s, malformed problems, leaked stacks or paths. */
  violations: string[];
  /** Kept instances whose record, values or counters differ after the fuzz. */
  damaged: string[];
  /** Instances listed after the fuzz that cannot be read back whole. */
  unreadable: string[];
  seconds: number;
  seed: number;
}

/**
 * Fuzzes every route of a platform running echo, kv-config and incrementer (well-behaved plugins,
 * so any 5xx is the platform's own), then checks that the instances it never named are unchanged.
 */
export async function runFuzz(
  pb: TestPlatform,
  options: { requests: number; oversized: number; concurrency: number; seed: number },
): Promise<FuzzResult> {
  const started = Date.now();
  await seed(pb);
  const before = await snapshot(pb);
  const doc = (await pb.call('GET', '/v1/openapi.json')).body;
  const subscription = (await pb.call('GET', '/v1/subscriptions')).body.subscriptions?.[0]?.id;
  const known = subscription ? [...KNOWN_NAMES, subscription] : KNOWN_NAMES;
  const requests = fc.sample(fuzzRequest(routesOf(doc), known, pb.platform.token), {
    numRuns: options.requests,
    seed: options.seed,
  });
  requests.splice(0, 0, ...oversized(pb.platform.token, options.oversized));

  const result: FuzzResult = {
    requests: 0,
    status5xx: 0,
    status500: 0,
    oversized: options.oversized,
    byStatus: {},
    violations: [],
    damaged: [],
    unreadable: [],
    seconds: 0,
    seed: options.seed,
  };
  const forbidden = [process.cwd(), tmpdir(), pb.platform.dataDir];
  const next = async (): Promise<void> => {
    const request = requests.shift();
    if (!request) return;
    const outcome = await send(pb.platform.url, request);
    result.requests++;
    result.byStatus[outcome.status] = (result.byStatus[outcome.status] ?? 0) + 1;
    if (outcome.status >= 500) result.status5xx++;
    if (outcome.status === 500) result.status500++;
    for (const problem of check(request, outcome, forbidden)) {
      if (result.violations.length < 20)
        result.violations.push(`${request.method} ${request.path.slice(0, 200)} → ${problem}`);
    }
    return next();
  };
  await Promise.all(Array.from({ length: options.concurrency }, next));

  const after = await snapshot(pb);
  result.damaged = KEPT.filter(
    (name) => JSON.stringify(before.kept[name]) !== JSON.stringify(after.kept[name]),
  ).map((name) => `${name}: ${JSON.stringify(before.kept[name])} → ${JSON.stringify(after.kept[name])}`);
  result.unreadable = after.unreadable;
  result.seconds = Math.round((Date.now() - started) / 1000);
  return result;
}

/** Bodies past the 6 MB limit, spread over the routes that take the largest bodies. */
function oversized(token: string, count: number): FuzzRequest[] {
  const paths = [
    '/v1/instances/echo-1/actions/echo',
    '/v1/instances',
    '/v1/events',
    '/v1/plugin-apis/echo-1/x',
  ];
  return Array.from({ length: count }, (_, i) => ({
    method: i % 5 === 4 ? 'PUT' : 'POST',
    path: paths[i % paths.length] as string,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ params: { message: 'x'.repeat(OVERSIZED_BYTES) } }),
  }));
}

interface Outcome {
  status: number;
  headers: Headers;
  text: string;
  /** No answer came at all (a reset, a timeout): counted as 599, the worst status there is. */
  unanswered?: true;
}

async function send(url: string, request: FuzzRequest): Promise<Outcome> {
  const hasBody = request.body !== undefined && !['GET', 'HEAD'].includes(request.method);
  try {
    const response = await fetch(`${url}${request.path}`, {
      method: request.method,
      headers: request.headers,
      body: hasBody ? request.body : undefined,
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  } catch (error) {
    return {
      status: 599,
      headers: new Headers(),
      text: `no answer: ${(error as Error).message} (${String((error as Error).cause)})`,
      unanswered: true,
    };
  }
}

/** What is wrong with one answer: a 500, an error that is not problem+json, a stack or a path. */
function check(request: FuzzRequest, outcome: Outcome, forbidden: string[]): string[] {
  // One violation: an answer that never came has no content type or problem fields to miss.
  if (outcome.unanswered) return [outcome.text.slice(0, 300)];
  const found: string[] = [];
  if (outcome.status >= 500) found.push(`status ${outcome.status}: ${outcome.text.slice(0, 300)}`);
  if (STACK_OR_PATH.test(outcome.text) || forbidden.some((path) => outcome.text.includes(path)))
    found.push(`stack or path in ${outcome.text.slice(0, 300)}`);
  if (outcome.status < 400 || request.method === 'HEAD') return found;
  if (!outcome.headers.get('content-type')?.startsWith('application/problem+json'))
    found.push(`content-type ${outcome.headers.get('content-type')}: ${outcome.text.slice(0, 200)}`);
  let problem: Record<string, unknown> = {};
  try {
    problem = JSON.parse(outcome.text);
  } catch {
    found.push(`body is not JSON: ${outcome.text.slice(0, 200)}`);
  }
  if (problem.status !== outcome.status) found.push(`problem status ${problem.status} ≠ ${outcome.status}`);
  for (const field of ['title', 'type', 'code', 'requestId'])
    if (typeof problem[field] !== 'string' || problem[field] === '') found.push(`problem without ${field}`);
  return found;
}

/** Instances to aim at and instances to keep, with values and counters that must survive. */
async function seed(pb: TestPlatform): Promise<void> {
  const must = async (promise: ReturnType<TestPlatform['call']>, status: number) => {
    const response = await promise;
    if (response.status !== status) throw new Error(`seeding: ${response.status} ${response.text}`);
  };
  for (const [name, plugin] of [
    ...TARGETS,
    ['keep-echo', 'echo'],
    ['keep-kv', 'kv-config'],
    ['keep-inc', 'incrementer'],
  ])
    await must(pb.call('POST', '/v1/instances', { name, plugin, description: `seeded ${name}` }), 201);
  for (const name of ['keep-kv', 'kv-1'])
    await must(
      pb.call('POST', `/v1/instances/${name}/operations/configuration.setValue`, {
        input: { key: 'kept', value: 'a value that must survive' },
      }),
      200,
    );
  for (const name of ['keep-inc', 'inc-1'])
    await must(pb.call('POST', `/v1/instances/${name}/actions/increment`, { params: { step: 7 } }), 200);
  await must(
    pb.call('POST', '/v1/subscriptions', {
      pattern: { source: ['fuzz'] },
      instance: 'inc-1',
      handler: 'action:increment',
    }),
    201,
  );
  await must(pb.call('PUT', '/v1/webhook-sources/gh', { secret: 'fuzz-webhook-secret-0123456789' }), 201);
}

async function snapshot(pb: TestPlatform) {
  const kept: Record<string, unknown> = {};
  for (const name of KEPT) {
    const { body } = await pb.call('GET', `/v1/instances/${name}`);
    kept[name] = { record: body };
  }
  kept['keep-kv'] = {
    ...(kept['keep-kv'] as object),
    values: (await pb.call('POST', '/v1/instances/keep-kv/operations/configuration.getValues', { input: {} }))
      .body.result,
  };
  kept['keep-inc'] = {
    ...(kept['keep-inc'] as object),
    counters: (await pb.call('POST', '/v1/instances/keep-inc/actions/status', {})).body.result,
  };
  const unreadable: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await pb.call(
      'GET',
      `/v1/instances?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (page.status !== 200) throw new Error(`listing instances: ${page.status} ${page.text}`);
    for (const listed of page.body.instances) {
      const one = await pb.call('GET', `/v1/instances/${encodeURIComponent(listed.name)}`);
      const whole = one.status === 200 && one.body.name === listed.name && Number.isInteger(one.body.version);
      if (!whole) unreadable.push(`${listed.name}: ${one.status} ${one.text.slice(0, 200)}`);
    }
    cursor = page.body.nextCursor;
  } while (cursor);
  return { kept, unreadable };
}
