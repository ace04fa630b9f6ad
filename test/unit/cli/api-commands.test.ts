import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../../lib/cli/program';
import type { DeadLetter } from '../../../lib/core/ports';
import { startTestPlatform, type TestPlatform } from '../../e2e/harness';
import { sendWebhook } from '../../e2e/send-webhook';
import { waitFor } from '../../e2e/wait-for';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
let pb: TestPlatform;

beforeAll(async () => {
  pb = await startTestPlatform();
});
afterAll(async () => {
  await pb?.close();
});
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

/** Runs the CLI in this process against the test platform; what it printed, and its exit code. */
async function plugboard(...args: string[]) {
  return plugboardAt(true, ...args);
}
async function plugboardAt(remote: boolean, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...line) => void out.push(line.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...line) => void err.push(line.join(' ')));
  const endpoint = remote ? ['--endpoint', pb.platform.url, '--token', pb.platform.token] : [];
  await runCli(['node', 'plugboard', ...args, ...endpoint]);
  vi.restoreAllMocks();
  const code = process.exitCode ?? 0;
  process.exitCode = undefined;
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** What `run` answers, and the `?limit=` of each request to `path` the CLI sent meanwhile ('' for none). */
async function limitsAsked<T>(path: string, run: () => Promise<T>): Promise<{ limits: string[]; result: T }> {
  const limits: string[] = [];
  const send = globalThis.fetch;
  vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname === path) limits.push(url.searchParams.get('limit') ?? '');
    return send(input, init);
  });
  return { limits, result: await run() };
}

/** A loopback port nothing listens on. */
function freePort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

/** The real bin with stdin, for credentials read from a pipe, run in the project's root or in `cwd`. */
function spawned(args: string[], stdin: string, cwd = ROOT) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
    const { PLUGBOARD_TOKEN: _token, PLUGBOARD_ENDPOINT: _endpoint, ...env } = process.env;
    const child = spawn(process.execPath, [join(ROOT, 'bin/plugboard.mjs'), ...args], {
      cwd,
      env,
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => {
      stdout += c;
    });
    child.stderr.on('data', (c) => {
      stderr += c;
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('plugboard instances, credentials and invoke', () => {
  it('creates, lists, shows and deletes instances', async () => {
    expect(await plugboard('instances', 'create', 'cli-echo', '--plugin', 'echo')).toMatchObject({
      code: 0,
      stdout: 'created instance cli-echo of echo',
    });
    const list = await plugboard('instances', 'list', '--plugin', 'echo');
    expect(list.stdout).toMatch(/^NAME\s+PLUGIN\s+OPTIONS\ncli-echo\s+echo\s+ok$/m);
    const shown = JSON.parse((await plugboard('instances', 'get', 'cli-echo')).stdout);
    expect(shown).toMatchObject({ name: 'cli-echo', plugin: 'echo', etag: `"1-${shown.generation}"` });
    expect(await plugboard('instances', 'delete', 'cli-echo', '--if-match', shown.etag)).toMatchObject({
      code: 0,
    });
    expect(await plugboard('instances', 'get', 'cli-echo')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^plugboard: NotFound \(404\): /),
    });
  });

  it('updates an instance, whatever instance is current unless --if-match gives its ETag', async () => {
    await plugboard('instances', 'create', 'cli-changed', '--plugin', 'hmac-signer');
    const { etag: first, generation } = JSON.parse(
      (await plugboard('instances', 'get', 'cli-changed')).stdout,
    );
    expect(
      await plugboard(
        'instances',
        'update',
        'cli-changed',
        '--description',
        'signs',
        '--options',
        '{"encoding":"base64"}',
        '--order',
        '-2',
      ),
    ).toMatchObject({ code: 0, stdout: 'updated instance cli-changed to version 2' });
    expect(JSON.parse((await plugboard('instances', 'get', 'cli-changed')).stdout)).toMatchObject({
      description: 'signs',
      options: { encoding: 'base64' },
      order: -2,
      etag: `"2-${generation}"`,
    });
    expect(
      await plugboard('instances', 'update', 'cli-changed', '--description', 'x', '--if-match', first),
    ).toEqual({
      code: 1,
      stdout: '',
      stderr: 'plugboard: VersionConflict (412): instance cli-changed is at version 2, not 1',
    });
    // A version alone names no generation: the 412 says to send the ETag as `instances get` shows it.
    expect(
      await plugboard('instances', 'update', 'cli-changed', '--description', 'x', '--if-match', '2'),
    ).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('send the ETag as a read answered it, which names its generation too'),
    });
    expect(
      await plugboard(
        'instances',
        'update',
        'cli-changed',
        '--options',
        '{"encoding":null}',
        '--if-match',
        // As a shell passes --if-match "2-…": without the quotes.
        `2-${generation}`,
      ),
    ).toMatchObject({
      code: 0,
    });
    // null removes the option, so its default is back.
    expect(JSON.parse((await plugboard('instances', 'get', 'cli-changed')).stdout).options).toMatchObject({
      encoding: 'hex',
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect((await plugboard('instances', 'update', 'cli-changed', '--order', 'first')).code).toBe(2);
  });

  it('invokes actions and operations with --params, --input files and --json', async () => {
    await plugboard('instances', 'create', 'cli-config', '--plugin', 'kv-config');
    await plugboard('instances', 'create', 'cli-counter', '--plugin', 'incrementer');
    const set = await plugboard(
      'invoke',
      'cli-config',
      'configuration.setValue',
      '--params',
      '{"key":"k","value":"v"}',
    );
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ key: 'k', dataType: 'string' });
    const file = `${pb.platform.dataDir}/input.json`;
    await writeFile(file, JSON.stringify({ keys: ['k'] }));
    const got = JSON.parse(
      (await plugboard('invoke', 'cli-config', 'configuration.getValues', '--input', file)).stdout,
    );
    expect(got).toEqual([expect.objectContaining({ key: 'k', value: 'v' })]);
    const counted = await plugboard('invoke', 'cli-counter', 'increment', '--params', '{"step":3}', '--json');
    expect(JSON.parse(counted.stdout)).toMatchObject({ result: { value: 3 }, requestId: expect.any(String) });
    expect(await plugboard('invoke', 'cli-counter', 'reset_count')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^plugboard: Validation \(400\): .*\/params\/parameter: "parameter" is required/,
      ),
    });
    expect(
      await plugboard('invoke', 'cli-config', 'configuration.getValues', '--params', '{oops'),
    ).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^plugboard: --params is not valid JSON/),
    });
  });

  it('sets credentials from --value and from stdin without echoing them, shows and deletes them', async () => {
    await plugboard('instances', 'create', 'cli-signer', '--plugin', 'hmac-signer');
    const secret = 'cli-secret-value-that-must-not-echo';
    const set = await plugboard('credentials', 'set', 'cli-signer', '--value', `signingKey=${secret}`);
    expect(set).toMatchObject({
      code: 0,
      stdout: 'credentials of cli-signer: set: signingKey; missing: none',
    });
    const piped = await spawned(
      ['credentials', 'set', 'cli-signer', '--endpoint', pb.platform.url, '--token', pb.platform.token],
      `signingKey=${secret}-2\n`,
    );
    expect(piped).toMatchObject({
      code: 0,
      stdout: 'credentials of cli-signer: set: signingKey; missing: none\n',
    });
    expect(piped.stdout + piped.stderr).not.toContain(secret);
    const signed = await plugboard('invoke', 'cli-signer', 'sign', '--params', '{"payload":"x"}');
    expect(signed.stdout).not.toContain(secret);
    expect(await plugboard('credentials', 'delete', 'cli-signer')).toMatchObject({ code: 0 });
    expect((await plugboard('credentials', 'show', 'cli-signer')).stdout).toBe(
      'credentials of cli-signer: set: none; missing: signingKey',
    );
  }, 60_000);

  it('says in one line that no platform answers, and that a token is wrong', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line) => void out.push(line));
    const closed = `http://127.0.0.1:${await freePort()}`;
    await runCli(['node', 'plugboard', 'instances', 'list', '--endpoint', closed, '--token', 'x']);
    expect(process.exitCode).toBe(1);
    expect(out).toEqual([
      `plugboard: cannot reach ${closed} (ECONNREFUSED); start the platform with \`npm start\` or pass --endpoint`,
    ]);
    out.length = 0;
    await runCli([
      'node',
      'plugboard',
      'instances',
      'list',
      '--endpoint',
      pb.platform.url,
      '--token',
      'wrong',
    ]);
    expect(out).toEqual([
      "plugboard: Unauthenticated (401): the Authorization header was not accepted: send Authorization: Bearer <token> with this platform's token; the token sent was the one given with --token",
    ]);
  });

  it("names the token it sent when it is refused: none, or the default folder's, which another platform's start left", async () => {
    // Inside the repository, to run the bin as a checkout does; test/.tmp is ignored, so a fresh clone has none.
    await mkdir(join(ROOT, 'test/.tmp'), { recursive: true });
    const work = await mkdtemp(join(ROOT, 'test/.tmp/cli-token-'));
    try {
      const none = await spawned(['plugins', 'list', '--endpoint', pb.platform.url], '', work);
      expect(none).toMatchObject({ code: 1, stdout: '' });
      expect(none.stderr.trim()).toBe(
        'plugboard: Unauthenticated (401): send Authorization: Bearer <token>; no token was sent: none was given with --token or PLUGBOARD_TOKEN, and there is no .plugboard/token here; pass --token <token>, <token> being what the platform printed after "API token:"',
      );
      await mkdir(join(work, '.plugboard'));
      await writeFile(join(work, '.plugboard/token'), 'a-stopped-platforms-token\n');
      const stale = await spawned(['plugins', 'list', '--endpoint', pb.platform.url], '', work);
      expect(stale).toMatchObject({ code: 1, stdout: '' });
      expect(stale.stderr).toContain(
        'the token sent was the one in .plugboard/token; a platform started with --data or --memory, or by plugboard dev, keeps its own',
      );
      expect(stale.stderr).not.toContain('a-stopped-platforms-token');
      await writeFile(join(work, '.plugboard/token'), pb.platform.token);
      expect((await spawned(['plugins', 'list', '--endpoint', pb.platform.url], '', work)).code).toBe(0);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }, 120_000);

  it('takes a token with a trailing line break, and never prints one no header can carry', async () => {
    const listed = await plugboardAt(
      false,
      'instances',
      'list',
      '--endpoint',
      pb.platform.url,
      '--token',
      `${pb.platform.token}\n`,
    );
    expect(listed.code).toBe(0);
    const canary = 'canary-token-5e1f';
    for (const bad of [`${canary}\n${canary}`, `${canary} ${canary}`, `${canary}ö`]) {
      const refused = await plugboardAt(false, 'instances', 'list', '--token', bad);
      expect(refused).toEqual({
        code: 1,
        stdout: '',
        stderr: expect.stringMatching(/^plugboard: --token \(or PLUGBOARD_TOKEN\) must be printable ASCII/),
      });
      expect(refused.stderr).not.toContain(canary);
    }
  });
});

describe('plugboard plugins', () => {
  it('lists the load report, shows a plugin, its docs and its starter template', async () => {
    const list = await plugboard('plugins', 'list');
    expect(list.code).toBe(0);
    expect(list.stdout.split('\n')).toContainEqual(
      expect.stringMatching(/^loaded\s+echo\s+v1\.0\.0; types: none; actions: echo; handlers: http, events$/),
    );
    expect(list.stdout).toMatch(/^STATUS\s+SLUG\s+DETAIL\n/);
    expect(JSON.parse((await plugboard('plugins', 'list', '--json')).stdout).errors).toEqual([]);
    expect(JSON.parse((await plugboard('plugins', 'get', 'hmac-signer')).stdout)).toMatchObject({
      status: 'loaded',
      schemas: { actions: { sign: { required: ['payload'] } } },
    });
    const docs = await plugboard('plugins', 'docs', 'hmac-signer', '--detail', 'full', '--topic', 'overview');
    expect(docs.stdout.split('\n')).toEqual([
      expect.stringMatching(/^overview: \S/),
      expect.stringMatching(/^ {2}\S.*credentials/),
    ]);
    expect(await plugboard('plugins', 'docs', 'hmac-signer', '--topic', 'nope')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('NotFound (404)'),
    });
    expect(JSON.parse((await plugboard('plugins', 'template', 'hmac-signer')).stdout)).toMatchObject({
      instance: { plugin: 'hmac-signer' },
      credentials: { values: { signingKey: expect.any(String) } },
    });
    expect(await plugboard('plugins', 'get', 'nope')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /^plugboard: NotFound \(404\): no plugin "nope" is loaded; loaded: .*\bhmac-signer\b/,
      ),
    });
  });
});

describe('plugboard events publish and test-pattern', () => {
  const event = {
    version: '0',
    id: '1',
    'detail-type': 'Invoice Paid',
    source: 'billing',
    account: '0',
    time: '2026-01-01T00:00:00Z',
    region: 'local',
    resources: [],
    detail: { amount: 5 },
  };

  it('publishes an event the log then holds, and refuses a platform source', async () => {
    const published = await plugboard(
      'events',
      'publish',
      '--source',
      'cli.billing',
      '--detail-type',
      'Invoice Paid',
      '--detail',
      '{"amount":5}',
      '--resource',
      'invoice/1',
    );
    expect(published).toMatchObject({ code: 0, stdout: expect.stringMatching(/^published event \S+$/) });
    const id = published.stdout.split(' ').pop();
    // Logged before the publish was answered.
    const { events } = (await pb.call('GET', '/v1/events/log?limit=1000')).body;
    const logged = events.find((e: { id: string }) => e.id === id);
    expect(logged).toMatchObject({
      source: 'cli.billing',
      'detail-type': 'Invoice Paid',
      resources: ['invoice/1'],
      detail: { amount: 5 },
    });
    const reserved = await plugboard('events', 'publish', '--source', 'plugboard', '--detail-type', 'x');
    expect(reserved).toMatchObject({ code: 1, stderr: expect.stringContaining('/Entries/0/Source') });
    const notJson = await plugboard(
      'events',
      'publish',
      '--source',
      'a',
      '--detail-type',
      'x',
      '--detail',
      '[',
    );
    expect(notJson).toMatchObject({ code: 1, stderr: expect.stringContaining('--detail is not valid JSON') });
  });

  it('exits like grep: 0 a match, 1 none, 2 a bad pattern or event, a refused request or no platform', async () => {
    const test = (pattern: unknown, given: unknown = event, ...endpoint: string[]) =>
      plugboardAt(
        endpoint.length === 0,
        'events',
        'test-pattern',
        '--pattern',
        JSON.stringify(pattern),
        '--event',
        typeof given === 'string' ? given : JSON.stringify(given),
        ...endpoint,
      );
    expect(await test({ source: ['billing'] })).toMatchObject({ code: 0, stdout: 'matches' });
    expect(await test({ source: ['other'] })).toMatchObject({ code: 1, stdout: 'does not match' });
    const errors = {
      'a bad pattern': await test({ source: 'billing' }),
      'an event that is not JSON': await test({ source: ['billing'] }, '{"source":'),
      'an event the platform refuses': await test({ source: ['billing'] }, { source: 'billing' }),
      'a refused token': await test(
        { source: ['billing'] },
        event,
        '--endpoint',
        pb.platform.url,
        '--token',
        'wrong',
      ),
      'no platform': await test(
        { source: ['billing'] },
        event,
        '--endpoint',
        `http://127.0.0.1:${await freePort()}`,
        '--token',
        'x',
      ),
    };
    for (const [what, answer] of Object.entries(errors)) {
      expect({ what, ...answer }).toMatchObject({ what, code: 2, stdout: '' });
    }
    expect(errors['a bad pattern'].stderr).toContain('/pattern/source');
    expect(errors['an event that is not JSON'].stderr).toContain('--event is not valid JSON');
    expect(errors['an event the platform refuses'].stderr).toContain('/event');
    expect(errors['a refused token'].stderr).toMatch(/^plugboard: Unauthenticated \(401\)/);
    expect(errors['no platform'].stderr).toContain('cannot reach');
    // A missing option is a usage error, 2 as well.
    expect((await plugboard('events', 'test-pattern', '--event', '{}')).code).toBe(2);
  });
});

describe('plugboard events and dlq', () => {
  it('tails the event log through a pattern, and lists an empty dead-letter queue', async () => {
    const since = new Date(Date.now() - 1000).toISOString();
    const entry = (DetailType: string) => ({ Source: 'cli.test', DetailType, Detail: '{"n":1}' });
    await fetch(`${pb.platform.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pb.platform.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Entries: [entry('Skipped'), entry('Wanted')] }),
    });
    const pattern = JSON.stringify({ source: ['cli.test'], 'detail-type': ['Wanted'] });
    const tail = await plugboard('events', 'tail', '--pattern', pattern, '--since', since, '--max', '1');
    expect(tail.code).toBe(0);
    expect(JSON.parse(tail.stdout)).toMatchObject({ source: 'cli.test', 'detail-type': 'Wanted' });
    expect(await plugboard('dlq', 'list')).toMatchObject({
      code: 0,
      stdout: 'the dead-letter queue is empty',
    });
    expect(await plugboard('dlq', 'redrive')).toMatchObject({
      code: 0,
      stdout: 'redriving 0 dead letter(s)',
    });
  });

  /** A stored letter of a target no redrive delivers to. */
  const keptLetter = async (eventId: string): Promise<DeadLetter> => {
    const letter: DeadLetter = {
      id: `${eventId}:renamed-reaction`,
      event: {
        version: '0',
        id: eventId,
        'detail-type': 'Wanted',
        source: 'cli.test',
        account: '000000000000',
        time: new Date().toISOString(),
        region: 'local',
        resources: [],
        detail: {},
      },
      target: 'renamed-reaction',
      attempts: 3,
      reason: 'Unavailable: down',
      failedAt: new Date().toISOString(),
    };
    await pb.platform.eventStore.putDeadLetter(letter);
    return letter;
  };

  it('names each dead letter a redrive does not deliver, with the reason', async () => {
    const letter = await keptLetter('cli-event');
    expect(await plugboard('dlq', 'redrive', letter.id)).toMatchObject({
      code: 0,
      stdout: [
        'redriving 0 dead letter(s)',
        `not redriven ${letter.id}: no target "renamed-reaction" takes this event (no subscription has that id, and no reaction of the platform's applies to the event): the letter is kept; DELETE /v1/dlq/{id} removes it`,
      ].join('\n'),
    });
  });

  it("lists every dead letter past the API's first page, and says so when --limit cuts the list short", async () => {
    // Over the API's page of 100: the list must follow the cursor to show them all.
    const stored = new Set<string>();
    for (let n = 0; n < 105; n++) stored.add((await keptLetter(`cli-list-${n}`)).id);
    const endpoint = ['--endpoint', pb.platform.url, '--token', pb.platform.token];
    const every = await spawned(['dlq', 'list', ...endpoint], '');
    expect(every).toMatchObject({ code: 0, stderr: '' });
    const listed = every.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as DeadLetter).id);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed.filter((id) => stored.has(id))).toHaveLength(stored.size);

    const cut = await spawned(['dlq', 'list', '--limit', '2', ...endpoint], '');
    expect(cut.code).toBe(0);
    expect(cut.stdout.trim().split('\n')).toHaveLength(2);
    expect(cut.stderr.trim()).toBe(
      'plugboard: the first 2 dead letters shown; more remain (leave out --limit for all)',
    );

    // One page of one more than --limit tells whether more remain, where pages of 100 were read.
    const short = await limitsAsked('/v1/dlq', () => plugboard('dlq', 'list', '--limit', '2'));
    expect(short).toEqual({
      limits: ['3'],
      result: { code: 0, stdout: cut.stdout.trim(), stderr: cut.stderr.trim() },
    });
    // The API's largest page is 1000: a --limit as large asks for that, and takes all there are.
    const whole = await limitsAsked('/v1/dlq', () => plugboard('dlq', 'list', '--limit', '1000'));
    expect(whole).toEqual({ limits: ['1000'], result: { code: 0, stdout: every.stdout.trim(), stderr: '' } });
    // Without --limit, the whole list in the API's largest pages, not its default 100.
    const all = await limitsAsked('/v1/dlq', () => plugboard('dlq', 'list'));
    expect(all).toEqual({ limits: ['1000'], result: { code: 0, stdout: every.stdout.trim(), stderr: '' } });
    for (const id of stored) await pb.platform.eventStore.deleteDeadLetter(id);
  });

  it('deletes dead letters, a line for each, and stops at an unknown one with a one-line error', async () => {
    const [first, second] = [await keptLetter('cli-delete-1'), await keptLetter('cli-delete-2')];
    expect(await plugboard('dlq', 'delete', first.id, second.id)).toEqual({
      code: 0,
      stdout: `deleted dead letter ${first.id}\ndeleted dead letter ${second.id}`,
      stderr: '',
    });
    expect(await pb.platform.eventStore.getDeadLetter(first.id)).toBeUndefined();
    expect(await pb.platform.eventStore.getDeadLetter(second.id)).toBeUndefined();

    const third = await keptLetter('cli-delete-3');
    expect(await plugboard('dlq', 'delete', third.id, first.id, 'not-a-letter')).toEqual({
      code: 1,
      stdout: `deleted dead letter ${third.id}`,
      stderr: `plugboard: NotFound (404): no dead letter "${first.id}"`,
    });
    expect(await plugboard('dlq', 'delete', 'not-a-letter')).toMatchObject({
      code: 1,
      stdout: '',
      stderr: `plugboard: Validation (400): the request is not valid: /path/id "not-a-letter" is not a dead letter id: <event id>:<target>, printable ASCII without spaces, at most 256 characters`,
    });
  });
});

describe('plugboard subscriptions and events tail', () => {
  const subscribe = (instance: string, pattern: string, ...more: string[]) =>
    plugboard('subscriptions', 'create', '--instance', instance, '--pattern', pattern, ...more);

  it('creates, lists, shows and deletes subscriptions', async () => {
    await plugboard('instances', 'create', 'cli-sub-echo', '--plugin', 'echo');
    const pattern = JSON.stringify({ source: ['cli.subscribed'] });
    const created = await subscribe('cli-sub-echo', pattern, '--json');
    expect(created.code).toBe(0);
    const subscription = JSON.parse(created.stdout);
    expect(subscription).toMatchObject({
      instance: 'cli-sub-echo',
      handler: 'events',
      pattern: JSON.parse(pattern),
    });
    const action = await subscribe('cli-sub-echo', pattern, '--handler', 'action:echo', '--order', '5');
    expect(action.stdout).toMatch(/^created subscription \S+ of cli-sub-echo \(action:echo\)$/);

    const list = await plugboard('subscriptions', 'list', '--instance', 'cli-sub-echo');
    expect(list.stdout.split('\n')).toEqual([
      expect.stringMatching(/^ID\s+INSTANCE\s+HANDLER\s+PATTERN$/),
      expect.stringMatching(
        new RegExp(`^${subscription.id}\\s+cli-sub-echo\\s+events\\s+\\{"source":\\["cli.subscribed"\\]\\}$`),
      ),
      expect.stringMatching(/\s+cli-sub-echo\s+action:echo\s+/),
    ]);
    expect(JSON.parse((await plugboard('subscriptions', 'get', subscription.id)).stdout)).toEqual(
      subscription,
    );
    expect(await plugboard('subscriptions', 'delete', subscription.id)).toMatchObject({
      code: 0,
      stdout: `deleted subscription ${subscription.id}`,
    });
    expect(await plugboard('subscriptions', 'get', subscription.id)).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('NotFound (404)'),
    });
    expect(await plugboard('subscriptions', 'list', '--instance', 'no-such-instance')).toMatchObject({
      code: 0,
      stdout: 'no subscriptions',
    });
  });

  it('refuses a bad pattern, handler or order saying what is wrong', async () => {
    const bad = await subscribe('x', '{"source":"a"}');
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('/pattern/source') });
    const handler = await subscribe('cli-sub-echo', '{"source":["a"]}', '--handler', 'action:nope');
    expect(handler).toMatchObject({ code: 1, stderr: expect.stringContaining('has no action "nope"') });
    const order = await subscribe('x', '{}', '--order', 'z');
    expect(order.code).toBe(2);
  });

  it('refuses a bad tail pattern before waiting for any event', async () => {
    const tail = await plugboard(
      'events',
      'tail',
      '--pattern',
      '{"source":"a","detail":{"n":[{"numeric":[">"]}]}}',
    );
    expect(tail.code).toBe(1);
    expect(tail.stderr).toMatch(
      /^plugboard: --pattern is not a valid event pattern \(\/source: .+; \/detail\/n\/0.*: .+\)$/,
    );
  });

  it('tails an event logged after one of a later time, and refuses a --since that is no time', async () => {
    const publish = (detailType: string, time: Date) =>
      fetch(`${pb.platform.url}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${pb.platform.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          Entries: [{ Source: 'cli.late', DetailType: detailType, Detail: '{}', Time: time.toISOString() }],
        }),
      });
    const since = new Date(Date.now() - 10_000);
    const tailing = plugboard(
      'events',
      'tail',
      '--since',
      since.toISOString(),
      '--pattern',
      '{"source":["cli.late"]}',
      '--max',
      '2',
    );
    expect((await publish('later', new Date(Date.now() - 1_000))).status).toBe(200);
    // After the tail has seen "later" (it polls every 500 ms): one of an earlier time, logged late.
    await new Promise((done) => setTimeout(done, 1_500));
    expect((await publish('earlier', new Date(Date.now() - 3_000))).status).toBe(200);
    const tail = await tailing;
    expect(tail.stdout.split('\n').map((line) => JSON.parse(line)['detail-type'])).toEqual([
      'later',
      'earlier',
    ]);

    // A usage error (commander writes its message to stderr itself), before any request.
    expect((await plugboard('events', 'tail', '--since', 'yesterday')).code).toBe(2);
  });

  it('tails events logged at one same time once each', async () => {
    const time = new Date(Date.now() - 5_000).toISOString();
    const entries = ['a', 'b', 'c'].map((n) => ({
      Source: 'cli.same',
      DetailType: n,
      Detail: '{}',
      Time: time,
    }));
    const published = await fetch(`${pb.platform.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${pb.platform.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Entries: entries }),
    });
    expect(published.status).toBe(200);
    const tail = await plugboard(
      'events',
      'tail',
      '--since',
      time,
      '--pattern',
      '{"source":["cli.same"]}',
      '--max',
      '3',
    );
    const types = tail.stdout.split('\n').map((line) => JSON.parse(line)['detail-type']);
    expect(types.sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('plugboard guards', () => {
  it('attaches a pre-hook that vetoes a call, lists it and detaches it', async () => {
    await plugboard('instances', 'create', 'cli-counter', '--plugin', 'incrementer');
    await plugboard(
      'instances',
      'create',
      'cli-freeze',
      '--plugin',
      'change-window',
      '--options',
      '{"frozen":true}',
    );
    expect(
      await plugboard(
        'guards',
        'attach',
        'cli-freeze',
        '--role',
        'preHook',
        '--plugin',
        'incrementer',
        '--order',
        '3',
      ),
    ).toMatchObject({ code: 0, stdout: 'attached preHook:cli-freeze to incrementer' });
    expect((await plugboard('guards', 'list')).stdout.split('\n')).toContainEqual(
      expect.stringMatching(/^preHook:cli-freeze\s+3\s+incrementer$/),
    );
    const vetoed = await plugboard('invoke', 'cli-counter', 'increment');
    expect(vetoed).toMatchObject({ code: 1, stderr: expect.stringContaining('PreHookVetoed (424)') });
    expect(await plugboard('guards', 'detach', 'preHook:cli-freeze')).toMatchObject({
      code: 0,
      stdout: 'detached preHook:cli-freeze',
    });
    expect(await plugboard('invoke', 'cli-counter', 'increment')).toMatchObject({ code: 0 });
    expect(await plugboard('guards', 'detach', 'preHook:cli-freeze')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('NotFound (404)'),
    });
    expect((await plugboard('guards', 'attach', 'cli-freeze', '--role', 'gatekeeper')).code).toBe(2);
    expect((await plugboard('guards', 'attach', 'cli-freeze')).code).toBe(2);
  });
});

describe('plugboard webhooks', () => {
  it('sets a source from a secret on stdin, routes a signed delivery by a rule, and removes both', async () => {
    const secret = 'cli-webhook-secret-that-must-not-echo';
    const endpoint = ['--endpoint', pb.platform.url, '--token', pb.platform.token];
    const set = await spawned(['webhooks', 'set-source', 'cli-hooks', ...endpoint], `${secret}\n`);
    expect(set).toMatchObject({
      code: 0,
      stdout: 'source cli-hooks: signature in x-hub-signature-256, delivery id in x-delivery-id\n',
    });
    const sources = await plugboard('webhooks', 'sources');
    expect(JSON.parse(sources.stdout)).toContainEqual(expect.objectContaining({ name: 'cli-hooks' }));
    expect(sources.stdout + set.stderr).not.toContain(secret);

    await plugboard('instances', 'create', 'cli-audit', '--plugin', 'audit-log');
    const added = await plugboard(
      'webhooks',
      'add-rule',
      'cli-hooks',
      '--handler',
      'audit-log#record',
      '--filter',
      '{"payload":{"kind":["push"]}}',
      '--config',
      '{"label":"from the cli"}',
    );
    expect(added.stdout).toMatch(/^added rule \S+ to cli-hooks \(audit-log#record\)$/);
    const [rule] = JSON.parse((await plugboard('webhooks', 'rules', 'cli-hooks')).stdout);
    expect(rule).toMatchObject({ handler: 'audit-log#record', actionConfig: { label: 'from the cli' } });

    const body = '{"kind":"push"}';
    const received = await sendWebhook(pb.platform.url, 'cli-hooks', { secret, body, deliveryId: 'cli-1' });
    expect(received.status).toBe(202);
    const processed = async () => {
      const { stdout } = await plugboard('webhooks', 'deliveries', 'cli-hooks', '--limit', '1');
      return stdout.startsWith('{') && JSON.parse(stdout).status === 'processed';
    };
    await waitFor(processed, 10_000, 'the delivery processed');
    const [line] = (await plugboard('webhooks', 'deliveries', 'cli-hooks')).stdout.split('\n');
    expect(JSON.parse(line!).outcomes).toEqual([
      expect.objectContaining({ rule: rule.id, instance: 'cli-audit', outcome: 'succeeded' }),
    ]);

    expect((await plugboard('webhooks', 'delete-rule', 'cli-hooks', rule.id)).stdout).toBe(
      `deleted rule ${rule.id} of cli-hooks`,
    );
    expect((await plugboard('webhooks', 'delete-source', 'cli-hooks')).stdout).toBe(
      'deleted source cli-hooks',
    );
    expect(await plugboard('webhooks', 'rules', 'cli-hooks')).toMatchObject({
      code: 1,
      stderr: expect.stringContaining('NotFound (404)'),
    });
    const empty = await spawned(['webhooks', 'set-source', 'cli-hooks', ...endpoint], '');
    expect(empty).toMatchObject({ code: 1, stderr: expect.stringContaining('secret on stdin') });
  }, 60_000);

  it('lists the newest deliveries, and says so when --limit leaves older ones out', async () => {
    const secret = 'cli-webhook-secret-for-the-list';
    const endpoint = ['--endpoint', pb.platform.url, '--token', pb.platform.token];
    expect((await spawned(['webhooks', 'set-source', 'cli-list-hooks', ...endpoint], secret)).code).toBe(0);
    for (const deliveryId of ['cli-list-1', 'cli-list-2', 'cli-list-3']) {
      const body = '{"kind":"push"}';
      expect(
        (await sendWebhook(pb.platform.url, 'cli-list-hooks', { secret, body, deliveryId })).status,
      ).toBe(202);
    }
    const ids = (stdout: string) =>
      stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line).deliveryId);
    const every = await spawned(['webhooks', 'deliveries', 'cli-list-hooks', ...endpoint], '');
    expect(every).toMatchObject({ code: 0, stderr: '' });
    expect(ids(every.stdout).sort()).toEqual(['cli-list-1', 'cli-list-2', 'cli-list-3']);
    const cut = await spawned(['webhooks', 'deliveries', 'cli-list-hooks', '--limit', '2', ...endpoint], '');
    expect(cut.code).toBe(0);
    expect(ids(cut.stdout)).toEqual(ids(every.stdout).slice(0, 2));
    expect(cut.stderr.trim()).toBe(
      'plugboard: the first 2 deliveries shown; more remain (raise --limit for more)',
    );
    const path = '/v1/webhooks/cli-list-hooks/deliveries';
    const short = await limitsAsked(path, () =>
      plugboard('webhooks', 'deliveries', 'cli-list-hooks', '--limit', '2'),
    );
    expect(short.limits).toEqual(['3']);
    expect(short.result.stdout).toBe(cut.stdout.trim());
    // --limit is 20 unless given.
    const usual = await limitsAsked(path, () => plugboard('webhooks', 'deliveries', 'cli-list-hooks'));
    expect(usual.limits).toEqual(['21']);
    await plugboard('webhooks', 'delete-source', 'cli-list-hooks');
  }, 60_000);
});

describe('plugboard test', () => {
  it('reports a plugin as conforming, and a missing slug as an error', async () => {
    const all = await plugboardAt(false, 'test', 'kv-config');
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('kv-config: conforms');
    expect(all.stderr).toContain('testing kv-config ...');
    expect(await plugboardAt(false, 'test', 'nope')).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^plugboard: no plugin "nope" in plugins; loaded: /),
    });
  });

  it('tests the plugin of a folder named by --plugin, as by its slug, and refuses a folder without one', async () => {
    // The checks and their outcomes; a detail names keys and times of its own run.
    const outcomes = async (...args: string[]) => {
      const { code, stdout } = await plugboardAt(false, 'test', ...args, '--json');
      const reports = JSON.parse(stdout) as { plugin: string; checks: { name: string; ok: boolean }[] }[];
      return {
        code,
        reports: reports.map((r) => ({ ...r, checks: r.checks.map(({ name, ok }) => ({ name, ok })) })),
      };
    };
    const bySlug = await outcomes('kv-config');
    expect(bySlug).toMatchObject({ code: 0, reports: [{ plugin: 'kv-config', ok: true }] });
    expect(await outcomes('--plugin', 'plugins/kv-config')).toEqual(bySlug);
    const text = await plugboardAt(false, 'test', '--plugin', 'plugins/kv-config');
    expect(text).toMatchObject({ code: 0, stderr: 'testing kv-config ...' });
    expect(text.stdout).toContain('kv-config: conforms');

    expect(await plugboardAt(false, 'test', '--plugin', 'plugins')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'plugboard: "plugins" is not a plugin\'s folder (with an index.ts); --plugins takes a folder of plugin folders',
    });
    // Usage errors, which commander writes itself.
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);
    expect((await plugboardAt(false, 'test', 'kv-config', '--plugin', 'plugins/kv-config')).code).toBe(2);
    expect(written).toEqual([
      'plugboard: a slug and --plugin both name the plugin to test: give one (see --help)\n',
    ]);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect((await plugboardAt(false, 'test', '--plugin', 'plugins/echo', '--plugins', 'plugins')).code).toBe(
      2,
    );
  });

  it('says why a plugin does not load, the same by --plugin as by slug', async () => {
    // Inside the project, where `plugboard/sdk` resolves, as a plugin author's folder is.
    await mkdir(join(ROOT, 'test/.tmp'), { recursive: true });
    const work = await mkdtemp(join(ROOT, 'test/.tmp/cli-test-plugin-'));
    try {
      const echo = await readFile(join(ROOT, 'plugins/echo/index.ts'), 'utf8');
      const folder = async (name: string, source: string) => {
        await cp(join(ROOT, 'plugins/echo'), join(work, name), { recursive: true });
        await writeFile(join(work, name, 'index.ts'), source.replace("slug: 'echo'", `slug: '${name}'`));
        return relative(process.cwd(), join(work, name));
      };
      const plugins = relative(process.cwd(), work);
      const invalid = await folder(
        'invalid',
        echo.replace("version: '1.0.0'", "version: 'one'").replace("name: 'Echo'", "name: ''"),
      );
      const invalidWhy = {
        code: 1,
        stdout: '',
        stderr:
          'plugboard: plugin "invalid" does not load: name: Too small: expected string to have >=1 characters; version: must be a semantic version such as 1.2.0',
      };
      expect(await plugboardAt(false, 'test', '--plugin', invalid, '--json')).toEqual(invalidWhy);
      expect(await plugboardAt(false, 'test', 'invalid', '--plugins', plugins, '--json')).toEqual(invalidWhy);

      const throwing = await folder('throwing', `throw new Error('no plugin today');\n${echo}`);
      expect(await plugboardAt(false, 'test', '--plugin', throwing)).toEqual({
        code: 1,
        stdout: '',
        stderr: `plugboard: the plugin in "${throwing}" does not load: import failed: no plugin today`,
      });

      const future = await folder('future', echo.replace('apiVersion: 1', 'apiVersion: 99'));
      const futureWhy = {
        code: 1,
        stdout: '',
        stderr:
          'plugboard: plugin "future" is skipped: apiVersion 99 is not supported (this platform runs apiVersion 1)',
      };
      expect(await plugboardAt(false, 'test', '--plugin', future)).toEqual(futureWhy);
      expect(await plugboardAt(false, 'test', 'future', '--plugins', plugins)).toEqual(futureWhy);

      // Without a slug, when none of the folder's plugins loads: each one's issues.
      expect(await plugboardAt(false, 'test', '--plugins', plugins)).toEqual({
        code: 1,
        stdout: '',
        stderr: `plugboard: no plugin loads from ${plugins}: invalid: name: Too small: expected string to have >=1 characters; invalid: version: must be a semantic version such as 1.2.0; throwing: import failed: no plugin today`,
      });
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
