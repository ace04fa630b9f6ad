import {
  InvokeCommand,
  type InvokeCommandOutput,
  LambdaClient,
  RequestTooLargeException,
  ResourceNotFoundException,
  ServiceException,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { LambdaInvoker } from '../../lib/aws/lambda-invoker';
import { type Envelope, MAX_PAYLOAD_BYTES } from '../../lib/core/envelope';
import { PlugboardError } from '../../lib/sdk/errors';
import { rejection } from '../fixtures/rejection';

const lambda = mockClient(LambdaClient);
const invoker = new LambdaInvoker({ client: new LambdaClient({ region: 'eu-west-1' }), stage: 'test' });

const envelope = (input: unknown = {}): Envelope => ({
  v: 1,
  kind: 'operation',
  plugin: 'kv-config',
  instance: 'prod',
  name: 'configuration.getValues',
  input,
  requestId: 'req-1',
  deadline: Date.now() + 10_000,
});
// The SDK wraps payloads in a blob adapter; a plain Uint8Array is what it holds.
const bytes = (text: string) => new TextEncoder().encode(text) as InvokeCommandOutput['Payload'];
const payload = (value: unknown) => bytes(JSON.stringify(value));

describe('LambdaInvoker', () => {
  beforeEach(() => lambda.reset());

  it('invokes the plugin function synchronously with the envelope and returns its answer', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ ok: true, result: { a: 1 } }) });
    const answer = await invoker.invoke('kv-config', envelope({ keys: ['a'] }));
    expect(answer).toEqual({ ok: true, result: { a: 1 } });
    const call = lambda.commandCalls(InvokeCommand)[0]!.args[0].input;
    expect(call.FunctionName).toBe('plugboard-test-kv-config');
    expect(call.InvocationType).toBe('RequestResponse');
    expect(JSON.parse(Buffer.from(call.Payload as Uint8Array).toString())).toMatchObject({
      input: { keys: ['a'] },
    });
  });

  it('passes an error answer through unchanged', async () => {
    const error = { code: 'RateLimited', message: 'slow down', retryAt: '2030-01-01T00:00:00.000Z' };
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: payload({ ok: false, error }) });
    expect(await invoker.invoke('kv-config', envelope())).toEqual({ ok: false, error });
  });

  it('turns a FunctionError into PluginFailed without the stack or message of the crash', async () => {
    lambda.on(InvokeCommand).resolves({
      StatusCode: 200,
      FunctionError: 'Unhandled',
      Payload: payload({
        errorType: 'Error',
        errorMessage: 'secret=hunter2',
        trace: ['at /var/task/index.mjs:1'],
      }),
    });
    const answer = await invoker.invoke('kv-config', envelope());
    expect(answer.ok).toBe(false);
    if (answer.ok) return;
    expect(answer.error.code).toBe('PluginFailed');
    expect(JSON.stringify(answer)).not.toMatch(/hunter2|var\/task|trace/);
  });

  it('maps a Lambda timeout to Timeout and an oversized response to PluginFailed, as the local invokers do', async () => {
    lambda
      .on(InvokeCommand)
      .resolvesOnce({
        FunctionError: 'Unhandled',
        Payload: payload({
          errorType: 'Sandbox.Timedout',
          errorMessage: 'Task timed out after 10.00 seconds',
        }),
      })
      .resolvesOnce({
        FunctionError: 'Unhandled',
        Payload: payload({ errorType: 'Function.ResponseSizeTooLarge', errorMessage: 'too big' }),
      });
    const timedOut = await invoker.invoke('kv-config', envelope());
    const tooBig = await invoker.invoke('kv-config', envelope());
    expect(timedOut.ok ? undefined : timedOut.error.code).toBe('Timeout');
    expect(tooBig.ok ? undefined : tooBig.error.code).toBe('PluginFailed');
  });

  it('turns a malformed answer into PluginFailed', async () => {
    lambda.on(InvokeCommand).resolves({ StatusCode: 200, Payload: bytes('not json') });
    const answer = await invoker.invoke('kv-config', envelope());
    expect(answer.ok ? undefined : answer.error.code).toBe('PluginFailed');
  });

  it('rejects a payload over 6 MB before sending anything', async () => {
    const error = await rejection(
      invoker.invoke('kv-config', envelope('x'.repeat(MAX_PAYLOAD_BYTES))),
      PlugboardError,
    );
    expect(error.code).toBe('PayloadTooLarge');
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  it('maps a missing function to NotFound and other SDK failures to PayloadTooLarge or Unavailable', async () => {
    const sdkError = (Type: typeof ResourceNotFoundException | typeof RequestTooLargeException) =>
      new Type({ message: 'arn:aws:lambda:eu-west-1:123456789012:function:x', $metadata: {} });
    lambda
      .on(InvokeCommand)
      .rejectsOnce(sdkError(ResourceNotFoundException))
      .rejectsOnce(sdkError(RequestTooLargeException))
      .rejectsOnce(new ServiceException({ message: 'boom', $metadata: {} }));
    // Answered, not thrown, as the local invokers answer it: the call still reports Operation Failed.
    const notFound = await invoker.invoke('nope', envelope());
    expect(notFound.ok ? undefined : notFound.error.code).toBe('NotFound');
    expect(JSON.stringify(notFound)).not.toContain('arn:');
    const refusal = () => rejection(invoker.invoke('kv-config', envelope()), PlugboardError);
    expect((await refusal()).code).toBe('PayloadTooLarge');
    expect((await refusal()).code).toBe('Unavailable');
  });
});
