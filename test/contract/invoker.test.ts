import { LambdaClient } from '@aws-sdk/client-lambda';
import { expect } from 'vitest';
import { LambdaInvoker } from '../../lib/aws/lambda-invoker';
import { FileCredentialStore } from '../../lib/local/file-credential-store';
import { LOCAL_ORIGIN, LOCAL_STAGE } from '../../lib/local/platform';
import { ProcessInvoker } from '../../lib/local/process/process-invoker';
import { admitProcessPlugins, readProcessPlugins } from '../../lib/local/process/process-plugins';
import { hostFor } from '../../lib/local/worker/host';
import type { TestPlatform } from '../e2e/harness';
import { CONTRACT_PROCESS_PLUGINS, standInConfig, startContractPlatform } from './aws-stand-ins';
import { invokerContract } from './invoker-contract';

/** The events the platform logged since `from`, read over its API as any caller reads them. */
const loggedEvents = (pb: TestPlatform) => async (from: string) =>
  (await pb.call('GET', `/v1/events/log?from=${encodeURIComponent(from)}&limit=1000`)).body.events;

invokerContract('WorkerInvoker', async () => {
  const pb = await startContractPlatform();
  return {
    invoker: pb.platform.invoker,
    stage: LOCAL_STAGE,
    putCredentials: (ref, values) => pb.platform.deps.credentials.put(ref, values),
    events: loggedEvents(pb),
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
    events: loggedEvents(pb),
    close: async () => {
      client.destroy();
      await pb.close();
    },
  };
});

invokerContract('ProcessInvoker', async () => {
  const report = admitProcessPlugins(await readProcessPlugins(CONTRACT_PROCESS_PLUGINS));
  expect(report.errors).toEqual([]);
  // A platform for its credential store, registry and bus, which the process reaches through its calls.
  const pb = await startContractPlatform();
  const { registry, credentials, bus } = pb.platform.deps;
  // The platform's own store, which its worker reaches as the resolver it also is.
  if (!(credentials instanceof FileCredentialStore))
    throw new Error('the local platform keeps credentials in files');
  const invoker = new ProcessInvoker({
    onLog: () => undefined,
    hostFor: (slug) => hostFor(slug, { registry, credentials, bus, stage: LOCAL_STAGE }),
    ...LOCAL_ORIGIN,
  });
  for (const spec of report.loaded) invoker.register(spec);
  return {
    invoker,
    stage: LOCAL_STAGE,
    putCredentials: (ref, values) => credentials.put(ref, values),
    events: loggedEvents(pb),
    close: async () => {
      await invoker.close();
      await pb.close();
    },
  };
});
