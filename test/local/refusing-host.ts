import type { HostMethods } from '../../lib/local/worker/protocol';

/** The platform side of a worker for plugins that make no platform calls: every call fails with `reason`. */
export function refusingHost(reason: string): HostMethods {
  const refuse = async () => {
    throw new Error(reason);
  };
  return {
    resolveCredentials: refuse,
    storeGet: refuse,
    storePut: refuse,
    storeDelete: refuse,
    storeList: refuse,
    publish: refuse,
  };
}
