import { join } from 'node:path';
import {
  EventBridgeClient,
  InvalidEventPatternException,
  PutEventsCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginFunctionName } from '../../lib/aws/names';
import { LOCAL_STAGE } from '../../lib/local/platform';
import { ENTRY_LIMIT } from '../fixtures/entry-size';
import { startTestPlatform, type TestPlatform } from './harness';
import { waitFor } from './wait-for';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Unchanged SDK clients: only the endpoint, the region and dummy keys are local. */
const sdkConfig = (url: string) => ({
  endpoint: url,
  region: 'local',
  credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local-secret' },
  maxAttempts: 1,
});

let pb: TestPlatform;
let faults: TestPlatform;
let lambda: LambdaClient;
let faultLambda: LambdaClient;
let events: EventBridgeClient;

beforeAll(async () => {
  [pb, faults] = await Promise.all([
    startTestPlatform(),
    startTestPlatform({ pluginsDir: join(import.meta.dirname, '../fixtures/fault-plugins') }),
  ]);
  lambda = new LambdaClient(sdkConfig(pb.platform.url));
  faultLambda = new LambdaClient(sdkConfig(faults.platform.url));
  events = new EventBridgeClient(sdkConfig(pb.platform.url));
  expect((await pb.call('POST', '/v1/instances', { name: 'echo-aws', plugin: 'echo' })).status).toBe(201);
}, 60_000);
afterAll(async () => {
  for (const client of [lambda, faultLambda, events]) client?.destroy();
  await Promise.all([pb?.close(), faults?.close()]);
});

const envelope = (plugin: string, name: string, input: unknown) => ({
  v: 1,
  kind: 'action',
  plugin,
  instance: `${plugin}-aws`,
  name,
  input,
  context: {},
  options: {},
  requestId: `aws-${name}`,
  deadline: Date.now() + 10_000,
});
const payload = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decode = (bytes: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(bytes));

describe('Lambda Invoke on the local platform', () => {
  it('runs the envelope and answers what POST /v1/.../actions answers', async () => {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: pluginFunctionName(LOCAL_STAGE, 'echo'),
        Payload: payload(envelope('echo', 'echo', { message: 'hi' })),
      }),
    );
    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe('$LATEST');
    expect(out.FunctionError).toBeUndefined();
    const viaApi = await pb.call('POST', '/v1/instances/echo-aws/actions/echo', {
      params: { message: 'hi' },
    });
    expect(decode(out.Payload)).toEqual({ ok: true, result: viaApi.body.result });
  });

  it('accepts a function ARN and answers a handled error as a normal payload', async () => {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: `arn:aws:lambda:local:000000000000:function:${pluginFunctionName(LOCAL_STAGE, 'echo')}`,
        Payload: payload(envelope('echo', 'no-such-action', {})),
      }),
    );
    expect(out.FunctionError).toBeUndefined();
    expect(decode(out.Payload)).toMatchObject({ ok: false, error: { code: expect.any(String) } });
  });

  it('answers a payload that is no envelope with the runtime Validation answer', async () => {
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: pluginFunctionName(LOCAL_STAGE, 'echo'),
        Payload: payload({ hello: 1 }),
      }),
    );
    expect(out.StatusCode).toBe(200);
    expect(decode(out.Payload)).toMatchObject({ ok: false, error: { code: 'Validation' } });
  });

  it('reports a crashed function as X-Amz-Function-Error with errorType and errorMessage', async () => {
    const name = pluginFunctionName(LOCAL_STAGE, 'faulty');
    const out = await faultLambda.send(
      new InvokeCommand({ FunctionName: name, Payload: payload(envelope('faulty', 'exit', {})) }),
    );
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe('Unhandled');
    expect(decode(out.Payload)).toEqual({ errorType: 'Runtime.ExitError', errorMessage: expect.any(String) });
    // The same fault through /v1 is a 502, and the function serves the next call.
    expect(
      (await faults.call('POST', '/v1/instances', { name: 'faulty-aws', plugin: 'faulty' })).status,
    ).toBe(201);
    expect((await faults.call('POST', '/v1/instances/faulty-aws/actions/exit', {})).status).toBe(502);
    const next = await faultLambda.send(
      new InvokeCommand({ FunctionName: name, Payload: payload(envelope('faulty', 'ok', {})) }),
    );
    expect(decode(next.Payload)).toEqual({ ok: true, result: { fine: true } });
  });

  it('bounds an invocation by the function timeout, whatever deadline the payload names', async () => {
    const started = Date.now();
    const out = await faultLambda.send(
      new InvokeCommand({
        FunctionName: pluginFunctionName(LOCAL_STAGE, 'faulty'),
        Payload: payload({ ...envelope('faulty', 'hang', {}), deadline: Date.now() + 60_000 }),
      }),
    );
    expect(out.FunctionError).toBe('Unhandled');
    expect(decode(out.Payload).errorType).toBe('Sandbox.Timedout');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('answers an unknown function with ResourceNotFoundException', async () => {
    const send = lambda.send(
      new InvokeCommand({ FunctionName: pluginFunctionName(LOCAL_STAGE, 'nope'), Payload: payload({}) }),
    );
    await expect(send).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(send).rejects.toMatchObject({
      message: expect.stringContaining('Function not found'),
      $metadata: { httpStatusCode: 404 },
    });
    await expect(
      lambda.send(new InvokeCommand({ FunctionName: 'plugboard-prod-echo', Payload: payload({}) })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('delivers Event invocations asynchronously (202) and checks DryRun (204)', async () => {
    const { generation } = await pb.createInstance('incrementer-aws', 'incrementer');
    // The envelope names the instance's generation, as the API shows it, to reach its store.
    const increment = envelope('incrementer', 'increment', { parameter: 'async', step: 5 });
    const out = await lambda.send(
      new InvokeCommand({
        FunctionName: pluginFunctionName(LOCAL_STAGE, 'incrementer'),
        InvocationType: 'Event',
        Payload: payload({ ...increment, generation }),
      }),
    );
    expect(out.StatusCode).toBe(202);
    expect(out.Payload?.byteLength ?? 0).toBe(0);
    await waitFor(
      async () => {
        const status = await pb.call('POST', '/v1/instances/incrementer-aws/actions/status', {});
        return JSON.stringify(status.body.result).includes('"async":5');
      },
      10_000,
      'the asynchronous increment',
    );
    const dry = await lambda.send(
      new InvokeCommand({ FunctionName: pluginFunctionName(LOCAL_STAGE, 'echo'), InvocationType: 'DryRun' }),
    );
    expect(dry.StatusCode).toBe(204);
  });

  it('refuses a payload over 6 MB with RequestTooLargeException', async () => {
    const big = new Uint8Array(6 * 1024 * 1024 + 1).fill(32);
    await expect(
      lambda.send(new InvokeCommand({ FunctionName: pluginFunctionName(LOCAL_STAGE, 'echo'), Payload: big })),
    ).rejects.toMatchObject({ name: 'RequestTooLargeException', $metadata: { httpStatusCode: 413 } });
  });

  it('refuses unsigned, malformed and wrongly scoped requests like the real service', async () => {
    const url = `${pb.platform.url}/2015-03-31/functions/${pluginFunctionName(LOCAL_STAGE, 'echo')}/invocations`;
    const unsigned = await fetch(url, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    const bearer = await fetch(url, {
      method: 'POST',
      body: '{}',
      headers: { authorization: `Bearer ${pb.platform.token}` },
    });
    expect(bearer.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
    const scoped = await fetch(url, {
      method: 'POST',
      body: '{}',
      headers: {
        authorization: `AWS4-HMAC-SHA256 Credential=AKID/20250101/local/events/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`,
      },
    });
    expect(scoped.status).toBe(403);
    expect(scoped.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
  });

  it('answers a body that is not JSON with InvalidRequestContentException, as Lambda does', async () => {
    await expect(
      lambda.send(
        new InvokeCommand({
          FunctionName: pluginFunctionName(LOCAL_STAGE, 'echo'),
          Payload: new TextEncoder().encode('{not json'),
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRequestContentException', $metadata: { httpStatusCode: 400 } });
  });
});

describe('EventBridge on the local platform', () => {
  it('publishes PutEvents entries into the bus, failing bad entries one by one', async () => {
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'aws-compat.test',
            DetailType: 'Order Placed',
            Detail: JSON.stringify({ n: 1 }),
            Resources: ['r1'],
          },
          { Source: 'aws-compat.test', DetailType: 'Order Placed', Detail: 'not json' },
          { Source: 'plugboard', DetailType: 'Instance Created', Detail: '{}' },
          { DetailType: 'No Source', Detail: '{}' },
          { Source: 'aws-compat.test', DetailType: 'Elsewhere', Detail: '{}', EventBusName: 'another-bus' },
          {
            Source: 'aws-compat.test',
            DetailType: 'On the platform bus',
            Detail: '{}',
            EventBusName: 'plugboard-local',
            Time: new Date('2025-01-02T03:04:05Z'),
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(4);
    const [first, malformed, reserved, sourceless, elsewhere, onBus] = out.Entries ?? [];
    expect(first?.EventId).toEqual(expect.any(String));
    expect(malformed).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(reserved).toMatchObject({ ErrorCode: 'NotAuthorizedForSourceException' });
    expect(sourceless).toMatchObject({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: expect.stringContaining('Source'),
    });
    expect(elsewhere).toMatchObject({
      ErrorCode: 'InvalidArgument',
      ErrorMessage: expect.stringContaining('another-bus'),
    });
    expect(onBus?.EventId).toEqual(expect.any(String));

    // The same event log that POST /v1/events writes to.
    const viaApi = await pb.call('POST', '/v1/events', {
      Entries: [{ Source: 'aws-compat.test', DetailType: 'Order Placed', Detail: JSON.stringify({ n: 2 }) }],
    });
    expect(viaApi.status).toBe(200);
    const ids = [first?.EventId, viaApi.body.Entries[0].EventId];
    // Both are in the log before PutEvents answers.
    const from = encodeURIComponent(new Date(Date.now() - 60_000).toISOString());
    const page = await pb.call('GET', `/v1/events/log?from=${from}&limit=100`);
    const logged = page.body.events.filter((e: { id: string }) => ids.includes(e.id));
    expect(logged).toHaveLength(2);
    const sdkEvent = logged.find((e: { id: string }) => e.id === first?.EventId);
    expect(sdkEvent).toMatchObject({
      source: 'aws-compat.test',
      'detail-type': 'Order Placed',
      detail: { n: 1 },
      resources: ['r1'],
      account: '000000000000',
      region: 'local',
    });
  });

  describe("counts an entry's 14 bytes of Time only when it has one, as EventBridge does", () => {
    const source = 'aws-compat.size';
    /** An entry of `bytes` as EventBridge counts it: 14 for a Time, the UTF-8 of the rest. */
    const entry = (bytes: number, time?: Date) => {
      const frame = source.length + 'Sized'.length + '{"pad":""}'.length + (time ? 14 : 0);
      const Detail = JSON.stringify({ pad: 'x'.repeat(bytes - frame) });
      return { Source: source, DetailType: 'Sized', Detail, ...(time ? { Time: time } : {}) };
    };
    const put = (...entries: ReturnType<typeof entry>[]) =>
      events.send(new PutEventsCommand({ Entries: entries })).catch((error: Error) => error);

    it.each([ENTRY_LIMIT - 13, ENTRY_LIMIT])(
      'takes an entry without a Time of %i bytes, into the log',
      async (bytes) => {
        const out = await put(entry(bytes));
        expect(out).toMatchObject({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
        const id = (out as { Entries: { EventId: string }[] }).Entries[0]!.EventId;
        const from = encodeURIComponent(new Date(Date.now() - 60_000).toISOString());
        const page = await pb.call('GET', `/v1/events/log?from=${from}&limit=1000`);
        expect(page.body.events.map((e: { id: string }) => e.id)).toContain(id);
      },
    );

    it('takes one with a Time up to 256 KB with it, and refuses either kind a byte over', async () => {
      expect(await put(entry(ENTRY_LIMIT, new Date()))).toMatchObject({ FailedEntryCount: 0 });
      for (const over of [entry(ENTRY_LIMIT + 1), entry(ENTRY_LIMIT + 1, new Date())])
        expect(await put(over)).toMatchObject({ name: 'ValidationException' });
    });

    it('leaves POST /v1/events counting a Time for every entry, as the platform bus sends one', async () => {
      const published = await pb.call('POST', '/v1/events', { Entries: [entry(ENTRY_LIMIT)] });
      expect(published.status).toBe(400);
      expect(published.body.errors).toEqual([
        { pointer: '/Entries/0', detail: expect.stringContaining(`is ${ENTRY_LIMIT + 14} bytes`) },
      ]);
    });
  });

  it('refuses more than 10 entries with ValidationException', async () => {
    const entry = { Source: 'aws-compat.test', DetailType: 'Many', Detail: '{}' };
    await expect(events.send(new PutEventsCommand({ Entries: Array(11).fill(entry) }))).rejects.toMatchObject(
      {
        name: 'ValidationException',
        $metadata: { httpStatusCode: 400 },
      },
    );
  });

  it('answers TestEventPattern with the local matcher, like POST /v1/events/test-pattern', async () => {
    const event = {
      id: '1',
      account: '000000000000',
      source: 'shop',
      time: '2025-01-01T00:00:00Z',
      region: 'local',
      'detail-type': 'Order Placed',
      resources: [],
      detail: { total: 120 },
    };
    const pattern = { source: ['shop'], detail: { total: [{ numeric: ['>', 100] }] } };
    const yes = await events.send(
      new TestEventPatternCommand({ EventPattern: JSON.stringify(pattern), Event: JSON.stringify(event) }),
    );
    expect(yes.Result).toBe(true);
    const no = await events.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify({ source: ['elsewhere'] }),
        Event: JSON.stringify(event),
      }),
    );
    expect(no.Result).toBe(false);
    for (const [p, result] of [
      [pattern, true],
      [{ source: ['elsewhere'] }, false],
    ] as const) {
      const viaApi = await pb.call('POST', '/v1/events/test-pattern', { pattern: p, event });
      expect(viaApi.body.result).toBe(result);
    }
    await expect(
      events.send(
        new TestEventPatternCommand({
          EventPattern: JSON.stringify({ source: 'shop' }),
          Event: JSON.stringify(event),
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidEventPatternException);
    await expect(
      events.send(new TestEventPatternCommand({ EventPattern: '{oops', Event: JSON.stringify(event) })),
    ).rejects.toBeInstanceOf(InvalidEventPatternException);
  });

  it('is found through AWS_ENDPOINT_URL_LAMBDA and AWS_ENDPOINT_URL_EVENTBRIDGE', async () => {
    process.env.AWS_ENDPOINT_URL_LAMBDA = pb.platform.url;
    process.env.AWS_ENDPOINT_URL_EVENTBRIDGE = pb.platform.url;
    const { endpoint: _, ...withoutEndpoint } = sdkConfig(pb.platform.url);
    const envLambda = new LambdaClient(withoutEndpoint);
    const envEvents = new EventBridgeClient(withoutEndpoint);
    try {
      const invoked = await envLambda.send(
        new InvokeCommand({
          FunctionName: pluginFunctionName(LOCAL_STAGE, 'echo'),
          InvocationType: 'DryRun',
        }),
      );
      expect(invoked.StatusCode).toBe(204);
      const put = await envEvents.send(
        new PutEventsCommand({ Entries: [{ Source: 'aws-compat.env', DetailType: 'Env', Detail: '{}' }] }),
      );
      expect(put.FailedEntryCount).toBe(0);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_LAMBDA;
      delete process.env.AWS_ENDPOINT_URL_EVENTBRIDGE;
      envLambda.destroy();
      envEvents.destroy();
    }
  });

  it('answers operations it does not emulate with UnknownOperationException', async () => {
    const res = await fetch(`${pb.platform.url}/`, {
      method: 'POST',
      headers: {
        'x-amz-target': 'AWSEvents.ListRules',
        'content-type': 'application/x-amz-json-1.1',
        authorization: `AWS4-HMAC-SHA256 Credential=AKID/20250101/local/events/aws4_request, SignedHeaders=host, Signature=${'a'.repeat(64)}`,
      },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('refuses an unsigned PutEvents', async () => {
    const res = await fetch(`${pb.platform.url}/`, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
      body: JSON.stringify({ Entries: [{ Source: 's', DetailType: 'd', Detail: '{}' }] }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });
});
