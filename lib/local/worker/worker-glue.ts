import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { StoreOwner } from '../../core/ports';
import { runEnvelope } from '../../core/runtime/run-envelope';
import type { RuntimeServices } from '../../core/runtime/services';
import type { PluginStore } from '../../sdk/context';
import type { PluginDefinition } from '../../sdk/define-plugin';
import { PlugboardError } from '../../sdk/errors';
import type { PlatformEvent } from '../../sdk/events';
import { type Batch, batchedSender, unbatch } from './message-batch';
import {
  type FromWorker,
  type HostMethod,
  type HostMethods,
  type ToWorker,
  WORKER_DATA_MARK,
} from './protocol';

/**
 * The glue a local plugin bundle is built with: inside a worker thread it answers invoke messages
 * with runEnvelope, reaching credentials, storage and the bus through calls to the platform.
 * Imported anywhere else (a main thread, a worker the platform did not start) it does nothing.
 */
export function serve(plugin: PluginDefinition): undefined {
  if (isMainThread || !parentPort || workerData?.mark !== WORKER_DATA_MARK) return undefined;
  const port = parentPort;
  const send = batchedSender<FromWorker>((message) => port.postMessage(message));
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 0;
  const call = <M extends HostMethod>(method: M, ...args: Parameters<HostMethods[M]>) =>
    new Promise<Awaited<ReturnType<HostMethods[M]>>>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      send({ t: 'call', id, method, args });
    });

  const store = ({ name, generation }: StoreOwner): PluginStore => {
    const owner = { name, generation };
    return {
      get: (key) => call('storeGet', owner, key),
      put: (key, value) => call('storePut', owner, key, value),
      delete: (key) => call('storeDelete', owner, key),
      list: (options) => call('storeList', owner, options ?? {}),
    };
  };
  const services: RuntimeServices = {
    credentials: { resolve: (ref) => call('resolveCredentials', ref) },
    store,
    publish: (event: PlatformEvent) => call('publish', event),
    log: (record) => send({ t: 'log', record }),
    account: workerData.account,
    region: workerData.region,
  };

  const receive = (message: ToWorker) => {
    if (message.t === 'close') {
      port.close();
      return;
    }
    if (message.t === 'reply') {
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if (message.ok) waiter?.resolve(message.value);
      else
        waiter?.reject(
          message.code
            ? new PlugboardError(message.code, message.message, { errors: message.errors })
            : new Error(message.message),
        );
      return;
    }
    void runEnvelope(plugin, JSON.parse(message.json), services).then((answer) => {
      let json: string;
      try {
        json = JSON.stringify(answer);
      } catch {
        json = JSON.stringify({
          ok: false,
          error: { code: 'PluginFailed', message: 'the plugin answered with a value that is not JSON' },
        });
      }
      send({ t: 'answer', id: message.id, json });
    });
  };
  port.on('message', (batch: ToWorker | Batch<ToWorker>) => {
    for (const message of unbatch(batch)) receive(message);
  });
  // Alone and at once: the platform waits for it before its first call.
  port.postMessage({ t: 'ready' } satisfies FromWorker);
  return undefined;
}
