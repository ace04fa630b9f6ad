import { LambdaClient } from '@aws-sdk/client-lambda';
import { expect } from 'vitest';
import { LambdaInvoker } from '../../lib/aws/lambda-invoker';
import { LOCAL_STAGE } from '../../lib/local/platform';
import { ProcessInvoker } from '../../lib/local/process/process-invoker';
import { admitProcessPlugins, readProcessPlugins } from '../../lib/local/process/process-plugins';
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

invokerContract('LambdaInvoker over HTTP to the local Lambda stand-in', async () => {
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
});

invokerContract(
  'ProcessInvoker',
  async () => {
    const report = await admitProcessPlugins(await readProcessPlugins(CONTRACT_PROCESS_PLUGINS));
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
