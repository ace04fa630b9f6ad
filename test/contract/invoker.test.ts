import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { LambdaInvoker } from '../../lib/aws/lambda-invoker';
import { LOCAL_STAGE } from '../../lib/local/platform';
import { ProcessInvoker } from '../../lib/local/process/process-invoker';
import { loadProcessPlugins } from '../../lib/local/process/process-plugins';
import { CONTRACT_PROCESS_PLUGINS, standInConfig, startContractPlatform } from './aws-stand-ins';
import { invokerContract } from './invoker-contract';

invokerContract('WorkerInvoker', async () => {
  const pb = await startContractPlatform();
  return {
    invoker: pb.platform.invoker,
    stage: LOCAL_STAGE,
    putCredentials: (ref, values) => pb.platform.deps.credentials.put(ref, values),
    close: pb.close,
  };
});

invokerContract(
  'LambdaInvoker over HTTP to the local Lambda stand-in',
  async () => {
    const pb = await startContractPlatform();
    const client = new LambdaClient(standInConfig(pb.platform.url));
    return {
      invoker: new LambdaInvoker({ client, stage: LOCAL_STAGE }),
      stage: LOCAL_STAGE,
      // The stand-in runs the probe in the platform's worker, which resolves refs from its store.
      putCredentials: (ref, values) => pb.platform.deps.credentials.put(ref, values),
      close: async () => {
        client.destroy();
        await pb.close();
      },
    };
  },
  {
    defects: {
      'unknown-plugin':
        'LambdaInvoker throws PlugboardError NotFound for ResourceNotFoundException instead of answering it, so the InvocationService reports no Operation Failed event for the call; test/aws/lambda-invoker.test.ts pins the throw',
    },
  },
);

invokerContract(
  'ProcessInvoker',
  async () => {
    const report = await loadProcessPlugins(CONTRACT_PROCESS_PLUGINS);
    expect(report.errors).toEqual([]);
    const invoker = new ProcessInvoker({ onLog: () => undefined });
    for (const spec of report.loaded) invoker.register(spec);
    return { invoker, stage: LOCAL_STAGE, close: () => invoker.close() };
  },
  {
    skip: {
      credentials:
        'a process plugin resolves its own credentials from the ref; the ProcessInvoker has no resolver to hand it values through',
    },
  },
);

describe('LambdaInvoker, where no stand-in can answer', () => {
  // The local Lambda stand-in never reports Function.ResponseSizeTooLarge: the worker behind it
  // answers an oversized result as a PluginFailed function failure first, so only a mocked Lambda
  // can give the answer the real service gives for a response over 6 MB.
  it.fails('answers a response over 6 MB as PluginFailed, as every local invoker does (known defect: it answers PayloadTooLarge, 413 to the caller instead of 502; test/aws/lambda-invoker.test.ts pins PayloadTooLarge)', async () => {
    const lambda = mockClient(LambdaClient);
    try {
      lambda.on(InvokeCommand).resolves({
        StatusCode: 200,
        FunctionError: 'Unhandled',
        Payload: new TextEncoder().encode(
          JSON.stringify({
            errorType: 'Function.ResponseSizeTooLarge',
            errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
          }),
        ) as never,
      });
      const invoker = new LambdaInvoker({ client: new LambdaClient({ region: 'local' }), stage: 'test' });
      const answer = await invoker.invoke('probe', {
        v: 1,
        kind: 'action',
        plugin: 'probe',
        instance: 'contract',
        name: 'huge',
        input: {},
        requestId: 'contract-huge',
        deadline: Date.now() + 10_000,
      });
      expect(answer).toMatchObject({ ok: false, error: { code: 'PluginFailed' } });
    } finally {
      lambda.restore();
    }
  });
});
