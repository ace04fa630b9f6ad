import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createRegistryTable } from './create-registry-table';

export const LOCAL_REGISTRY_TABLE = 'plugboard-registry';

export interface LocalDynamo {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  close(): Promise<void>;
}

export interface StartDynaliteOptions {
  /** LevelDB directory; the data survives restarts. @default in memory */
  readonly path?: string | undefined;
  /** @default LOCAL_REGISTRY_TABLE */
  readonly tableName?: string | undefined;
}

/** Embedded DynamoDB on a free loopback port, with the registry table created. */
export async function startDynalite(options: StartDynaliteOptions = {}): Promise<LocalDynamo> {
  // Tables are usable at once: nothing waits through dynalite's simulated CREATING state.
  const server = dynalite({ path: options.path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // Keep-alive sockets of SDK clients would hold the close (and the LevelDB lock) open.
      server.closeAllConnections();
    });
  const client = createDynamoClient(endpoint);
  try {
    await createRegistryTable(client, options.tableName ?? LOCAL_REGISTRY_TABLE);
  } catch (error) {
    await close();
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, close };
}

/** A DynamoDB client for a local endpoint: static dummy credentials, so no real ones are looked up. */
export function createDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
}
