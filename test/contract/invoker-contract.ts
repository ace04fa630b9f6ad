import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { Answer, Envelope } from '../../lib/core/envelope';
import { credentialsRef, type Invoker } from '../../lib/core/ports';
import { MAX_JSON_DEPTH } from '../../lib/core/runtime/json-check';
import { REDACTED } from '../../lib/core/runtime/redact';
import type { PlatformEvent } from '../../lib/sdk/events';
import { type CaseMarks, caseRunner } from './contract-cases';
import { CANARY } from './credential-contract';

export interface InvokerUnderTest {
  /** Runs the probe plugin (test/fixtures/contract-plugins/probe or its process twin) as `probe`. */
  invoker: Invoker;
  /** The stage whose credentials refs the probe's function may read. */
  stage: string;
  /** Sets credentials where the probe's function resolves them from a ref. */
  putCredentials?(ref: string, values: Record<string, string>): Promise<void>;
  /** The events on the bus the probe's function publishes to, logged since `from` (an ISO time). */
  events(from: string): Promise<PlatformEvent[]>;
  close(): Promise<void>;
}

export type InvokerCase =
  | 'round-trip'
  | 'typed-error'
  | 'untyped-throw'
  | 'unknown-plugin'
  | 'deadline'
  | 'oversized-answer'
  | 'too-deep-answer'
  | 'oversized-request'
  | 'credentials'
  | 'store'
  | 'publish';

/** A stack frame or a source path: what an answer must never carry. */
const STACK_OR_PATH = /\bat .+:\d+:\d+|node:internal|node_modules|\.(?:[cm]?js|tsx?)\b/;

/** Every JSON type, nested, with text JSON must escape and text outside ASCII and the BMP. */
const EVERY_JSON_TYPE = {
  text: 'héllo wörld ✓ 中文 🚀',
  escapes: 'quote " backslash \\ newline \n tab \t nul \u0000 line-sep \u2028',
  integer: 42,
  negative: -7,
  zero: 0,
  fraction: 0.1,
  largestSafe: Number.MAX_SAFE_INTEGER,
  tiny: 5e-324,
  yes: true,
  no: false,
  nothing: null,
  emptyText: '',
  emptyObject: {},
  emptyList: [],
  list: [1, 'two', null, false, { three: [3] }],
  nested: { a: { b: { c: { d: [[['deep']]] } } } },
  'key with spaces and ünïcode 🔑': 'kept as a key',
};

let calls = 0;
const envelope = (name: string, input: unknown = {}, extra: Partial<Envelope> = {}): Envelope => ({
  v: 1,
  kind: 'action',
  plugin: 'probe',
  instance: 'contract',
  name,
  input,
  context: {},
  options: {},
  requestId: `contract-${name}-${++calls}`,
  // Far enough for a cold worker or process; the deadline case sets its own.
  deadline: Date.now() + 20_000,
  ...extra,
});

const errorOf = (answer: Answer) => {
  expect(answer.ok).toBe(false);
  return answer.ok ? undefined : answer.error;
};

/**
 * One Invoker contract, run against every Invoker: what the core's InvocationService relies on when
 * it turns an answer into a result or a PlugboardError and reports the call as an event. An Invoker
 * answers (never throws) for anything the plugin's function did, and the codes are the same whether
 * the function is a worker thread, a process or a Lambda.
 */
export function invokerContract(
  label: string,
  open: () => Promise<InvokerUnderTest>,
  marks: CaseMarks<InvokerCase> = {},
): void {
  const run = caseRunner(marks);
  describe(`Invoker contract: ${label}`, () => {
    let subject: InvokerUnderTest;
    beforeAll(async () => {
      subject = await open();
    });
    afterAll(() => subject?.close());

    run(
      'round-trip',
      'an ok answer carries the result as the plugin gave it, every JSON type intact',
      async () => {
        const answer = await subject.invoker.invoke('probe', envelope('echo', EVERY_JSON_TYPE));
        expect(answer).toEqual({ ok: true, result: EVERY_JSON_TYPE });
        // Key order too: a client comparing JSON text sees what the plugin wrote.
        expect(JSON.stringify(answer)).toBe(JSON.stringify({ ok: true, result: EVERY_JSON_TYPE }));
      },
    );

    run(
      'typed-error',
      "a typed error answers its code, its message's first line and its field errors",
      async () => {
        const answer = await subject.invoker.invoke(
          'probe',
          envelope('typed', { message: 'size is too large ✗\n    at a stack line' }),
        );
        expect(errorOf(answer)).toEqual({
          code: 'Validation',
          message: 'size is too large ✗',
          details: { errors: [{ pointer: '/params/size', detail: 'must be small' }] },
        });
      },
    );

    run('untyped-throw', 'an untyped throw answers PluginFailed without its message or stack', async () => {
      const answer = await subject.invoker.invoke('probe', envelope('throw', { secret: CANARY }));
      expect(errorOf(answer)?.code).toBe('PluginFailed');
      expect(JSON.stringify(answer)).not.toContain(CANARY);
      expect(JSON.stringify(answer)).not.toMatch(STACK_OR_PATH);
      // The function serves the next call.
      expect(await subject.invoker.invoke('probe', envelope('echo', { n: 1 }))).toEqual({
        ok: true,
        result: { n: 1 },
      });
    });

    run('unknown-plugin', 'a plugin no function runs answers NotFound', async () => {
      const answer = await subject.invoker.invoke(
        'no-such-plugin',
        envelope('echo', {}, { plugin: 'no-such-plugin' }),
      );
      expect(errorOf(answer)?.code).toBe('NotFound');
    });

    run(
      'deadline',
      'a call still running at its deadline answers Timeout, and the next call is served',
      async () => {
        const answer = await subject.invoker.invoke(
          'probe',
          envelope('sleep', {}, { deadline: Date.now() + 500 }),
        );
        expect(errorOf(answer)?.code).toBe('Timeout');
        expect(await subject.invoker.invoke('probe', envelope('echo', { after: 'timeout' }))).toEqual({
          ok: true,
          result: { after: 'timeout' },
        });
      },
    );

    run(
      'oversized-answer',
      'an answer over 6 MB answers PluginFailed naming nothing of it, and the next call is served',
      async () => {
        const answer = await subject.invoker.invoke('probe', envelope('huge'));
        // PluginFailed: the plugin failed its caller (HTTP 502), as the local platform has always
        // answered; PayloadTooLarge (413) would tell the caller its own request was too large.
        expect(errorOf(answer)?.code).toBe('PluginFailed');
        expect(JSON.stringify(answer).length).toBeLessThan(2_000);
        expect(await subject.invoker.invoke('probe', envelope('echo', { after: 'huge' }))).toEqual({
          ok: true,
          result: { after: 'huge' },
        });
      },
    );

    run(
      'too-deep-answer',
      'an answer nested deeper than the platform carries answers PluginFailed saying so, and the next call is served',
      async () => {
        const answer = await subject.invoker.invoke('probe', envelope('deep'));
        expect(errorOf(answer)).toMatchObject({
          code: 'PluginFailed',
          message: expect.stringContaining(`more than ${MAX_JSON_DEPTH.toLocaleString('en')} deep`),
        });
        expect(await subject.invoker.invoke('probe', envelope('echo', { after: 'deep' }))).toEqual({
          ok: true,
          result: { after: 'deep' },
        });
      },
    );

    run(
      'oversized-request',
      "a request over Lambda's 6 MB is refused as PayloadTooLarge before it is sent, and the next call is served",
      async () => {
        // Three bytes of UTF-8 a character: 2.1 M characters are 6.3 MB, though far fewer than 6 M UTF-16 units.
        const refused = subject.invoker.invoke('probe', envelope('echo', { text: '€'.repeat(2_100_000) }));
        await expect(refused).rejects.toMatchObject({ code: 'PayloadTooLarge', status: 413 });
        const justUnder = { text: 'x'.repeat(6 * 1024 * 1024 - 1024) };
        expect(await subject.invoker.invoke('probe', envelope('echo', justUnder))).toEqual({
          ok: true,
          result: justUnder,
        });
      },
    );

    run(
      'credentials',
      'credentials travel by ref, reach the handler, and never appear in an answer',
      async () => {
        const ref = credentialsRef(subject.stage, { plugin: 'probe', name: 'contract' });
        await subject.putCredentials?.(ref, { token: CANARY });
        const answer = await subject.invoker.invoke(
          'probe',
          envelope('credentials', {}, { credentialsRef: ref }),
        );
        // The handler had the value (its name is there, its value scrubbed from what it returned).
        expect(answer).toEqual({ ok: true, result: { names: ['token'], token: REDACTED } });
        const refused = await subject.invoker.invoke(
          'probe',
          envelope('credentials_error', {}, { credentialsRef: ref }),
        );
        expect(errorOf(refused)).toEqual({
          code: 'Validation',
          message: `the token ${REDACTED} was refused`,
          details: { errors: [{ pointer: '/token', detail: `not ${REDACTED}` }] },
        });
        // Without the ref the handler has none: nothing travels but the ref.
        expect(await subject.invoker.invoke('probe', envelope('credentials'))).toEqual({
          ok: true,
          result: { names: [] },
        });
      },
    );

    run(
      'store',
      "the store is the instance's own, by name and generation, and what it refuses answers PluginFailed naming the rule",
      async () => {
        const first = { instance: 'contract', generation: 'g1' };
        const value = { text: 'héllo ✓', list: [1, null, { n: true }] };
        expect(
          await subject.invoker.invoke('probe', envelope('store_put', { key: 'k1', value }, first)),
        ).toEqual({ ok: true, result: { key: 'k1', value } });
        const get = (at: Partial<Envelope>) =>
          subject.invoker.invoke('probe', envelope('store_get', { key: 'k1' }, at));
        expect(await get(first)).toEqual({ ok: true, result: value });
        // A later instance of the name, and another instance, see nothing of it.
        expect(await get({ instance: 'contract', generation: 'g2' })).toEqual({ ok: true, result: null });
        expect(await get({ instance: 'other', generation: 'g1' })).toEqual({ ok: true, result: null });
        expect(await subject.invoker.invoke('probe', envelope('store_list', { prefix: 'k' }, first))).toEqual(
          {
            ok: true,
            result: ['k1'],
          },
        );
        expect(await subject.invoker.invoke('probe', envelope('store_delete', { key: 'k1' }, first))).toEqual(
          {
            ok: true,
            result: null,
          },
        );
        expect(await get(first)).toEqual({ ok: true, result: null });
        const refused = await subject.invoker.invoke(
          'probe',
          envelope('store_put', { key: '', value }, first),
        );
        expect(errorOf(refused)).toEqual({
          code: 'PluginFailed',
          message: expect.stringMatching(/^ctx\.store\.put was refused: .*must not be empty/),
        });
      },
    );

    run(
      'publish',
      "an event goes out under the plugin's source with the instance, scrubbed of the credentials, and what the bus refuses answers PluginFailed naming the rule",
      async () => {
        const from = new Date(Date.now() - 1_000).toISOString();
        const ref = credentialsRef(subject.stage, { plugin: 'probe', name: 'contract' });
        await subject.putCredentials?.(ref, { token: CANARY });
        const detail = { n: 1, quoted: `token ${CANARY}`, text: 'héllo ✓' };
        const published = await subject.invoker.invoke(
          'probe',
          envelope('publish', { detailType: 'Probed', detail }, { credentialsRef: ref, chainDepth: 2 }),
        );
        expect(published).toEqual({ ok: true, result: null });
        const events = (await subject.events(from)).filter((e) => e['detail-type'] === 'Probed');
        expect(events).toEqual([
          expect.objectContaining({
            source: 'plugboard.plugin.probe',
            detail: {
              n: 1,
              quoted: `token ${REDACTED}`,
              text: 'héllo ✓',
              instance: 'contract',
              chainDepth: 2,
            },
          }),
        ]);
        const refused = await subject.invoker.invoke(
          'probe',
          envelope('publish', { detailType: '', detail }, { credentialsRef: ref }),
        );
        expect(errorOf(refused)).toEqual({
          code: 'PluginFailed',
          message: expect.stringMatching(/^ctx\.publish was refused: .*detail-type/),
        });
        expect(JSON.stringify(refused)).not.toContain(CANARY);
      },
    );
  });
}
