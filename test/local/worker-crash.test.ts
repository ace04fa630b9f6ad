import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../lib/core/envelope';
import type { LogRecord } from '../../lib/core/runtime/services';
import { WorkerInvoker } from '../../lib/local/worker/worker-invoker';
import { waitFor } from '../e2e/wait-for';
import { refusingHost } from './refusing-host';

// Inside the repository, so the plugin resolves `plugboard/sdk` like a real one.
const root = join(import.meta.dirname, '../.tmp', `worker-crash-${process.pid}`);
const SECRET = 'tok-7f3a9c2e1b';
/** The token of another instance, whose call settles before the crash. */
const SETTLED = 'tok-earlier-4d2b8a';

const source = `import { definePlugin } from 'plugboard/sdk';
let remembered = '';
export default definePlugin({
  manifest: {
    slug: 'crashy', name: 'Crashy', version: '1.0.0', apiVersion: 1, authType: 'api_token',
    credentials: [{ name: 'token', label: 'Token' }],
    actions: [
      { name: 'exit', label: 'Exits' },
      { name: 'reject', label: 'Leaves a rejection unhandled' },
      { name: 'later', label: 'Throws from a timer after answering' },
      { name: 'remember', label: 'Keeps its token past the call' },
      { name: 'reject_remembered', label: 'Leaves a rejection quoting its token and the one it kept' },
    ],
  },
  actions: {
    exit: () => process.exit(3),
    reject: (ctx) => {
      Promise.reject(new TypeError('no token ' + ctx.credentials.token));
      return new Promise(() => {});
    },
    remember: (ctx) => {
      remembered = ctx.credentials.token;
      return { kept: true };
    },
    reject_remembered: (ctx) => {
      Promise.reject(new TypeError('no token ' + ctx.credentials.token + ' nor ' + remembered));
      return new Promise(() => {});
    },
    later: () => {
      setTimeout(() => { throw new RangeError('late failure'); }, 10);
      return { answered: true };
    },
  },
});
`;

let invoker: WorkerInvoker;
let logs: LogRecord[] = [];
const envelope = (name: string, instance = 'c1'): Envelope => ({
  v: 1,
  kind: 'action',
  plugin: 'crashy',
  instance,
  name,
  input: {},
  credentialsRef: `ref-${instance}`,
  requestId: `req-${name}`,
  deadline: Date.now() + 5_000,
});

beforeAll(async () => {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'index.ts'), source);
  invoker = new WorkerInvoker({
    bundleDir: join(root, 'bundles'),
    hostFor: () => ({
      ...refusingHost('the crashy plugin only reads its credentials'),
      resolveCredentials: async (ref) => ({ token: ref === 'ref-c1' ? SECRET : SETTLED }),
    }),
    onLog: (record) => logs.push(record),
  });
  await invoker.load([{ slug: 'crashy', entry: join(root, 'index.ts'), memoryMb: 64 }]);
});
beforeEach(() => {
  logs = [];
});
afterAll(async () => {
  await invoker.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a crashed plugin worker', () => {
  it('logs an exit under the plugin, naming the call it cut', async () => {
    expect(await invoker.invoke('crashy', envelope('exit'))).toMatchObject({ ok: false });
    expect(logs).toEqual([
      {
        level: 'error',
        plugin: 'crashy',
        instance: '-',
        requestId: '-',
        message: "the plugin's worker exited (code 3)",
        fields: { requestIds: ['req-exit'] },
      },
    ]);
  });

  it("logs an unhandled rejection's name and message, without the credentials in it", async () => {
    expect(await invoker.invoke('crashy', envelope('reject'))).toMatchObject({
      ok: false,
      error: { message: "the plugin's worker crashed" },
    });
    expect(logs).toMatchObject([
      {
        plugin: 'crashy',
        message: "the plugin's worker crashed",
        fields: { error: { name: 'TypeError', message: 'no token ********' }, requestIds: ['req-reject'] },
      },
    ]);
    expect(JSON.stringify(logs)).not.toContain(SECRET);
  });

  it('scrubs a crash of the credentials of the calls still waiting only: a settled call leaves none behind', async () => {
    expect(await invoker.invoke('crashy', envelope('remember', 'c2'))).toEqual({
      ok: true,
      result: { kept: true },
    });
    expect(await invoker.invoke('crashy', envelope('reject_remembered'))).toMatchObject({ ok: false });
    // The plugin kept the settled call's token itself; the worker no longer holds it to scrub it.
    expect(logs).toMatchObject([
      {
        message: "the plugin's worker crashed",
        fields: {
          error: { name: 'TypeError', message: `no token ******** nor ${SETTLED}` },
          requestIds: ['req-reject_remembered'],
        },
      },
    ]);
  });

  it('logs a throw after the answer, which no caller hears of', async () => {
    expect(await invoker.invoke('crashy', envelope('later'))).toEqual({
      ok: true,
      result: { answered: true },
    });
    await waitFor(async () => logs.length > 0, 5_000, 'the crash to be logged');
    expect(logs).toEqual([
      {
        level: 'error',
        plugin: 'crashy',
        instance: '-',
        requestId: '-',
        message: "the plugin's worker crashed",
        fields: { error: { name: 'RangeError', message: 'late failure' } },
      },
    ]);
  });
});
