import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { Level } from 'level';
import { PlugboardError } from '../sdk/errors';
import { createRegistryTable } from './create-registry-table';
import { type IndexRepair, repairIndexes } from './index-repair';

export const LOCAL_REGISTRY_TABLE = 'plugboard-registry';

export interface LocalDynamo {
  /** `http://127.0.0.1:<port>` */
  readonly endpoint: string;
  /** What was mended because the last process to open this path stopped without closing it. */
  readonly repair?: IndexRepair | undefined;
  close(): Promise<void>;
}

/**
 * A file beside the LevelDB directory that exists while a process has it open. Found at start, it
 * says the last one was killed, and may have left index entries out of step with their items.
 */
export const openMarker = (path: string): string => `${path}.open`;

export interface StartDynaliteOptions {
  /** LevelDB directory; the data survives restarts. @default in memory */
  readonly path?: string | undefined;
  /** @default LOCAL_REGISTRY_TABLE */
  readonly tableName?: string | undefined;
}

/** Embedded DynamoDB on a free loopback port, with the registry table created. */
export async function startDynalite(options: StartDynaliteOptions = {}): Promise<LocalDynamo> {
  if (options.path) await ensureUnlocked(options.path);
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
  const closeServer = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      // Keep-alive sockets of SDK clients would hold the close (and the LevelDB lock) open.
      server.closeAllConnections();
    });
  const tableName = options.tableName ?? LOCAL_REGISTRY_TABLE;
  const marker = options.path && openMarker(options.path);
  const client = createDynamoClient(endpoint);
  let repair: IndexRepair | undefined;
  try {
    await createRegistryTable(client, tableName);
    if (marker) {
      if (existsSync(marker)) repair = await repairIndexes(client, tableName);
      await writeFile(marker, `${process.pid}\n`);
    }
  } catch (error) {
    await closeServer();
    throw error;
  } finally {
    client.destroy();
  }
  const close = async () => {
    await closeServer();
    if (marker) await rm(marker, { force: true });
  };
  return { endpoint, repair, close };
}

/**
 * LevelDB lets one process (and one handle) hold a directory. dynalite opens it lazily and throws an
 * open failure out of its request handler, which ends the process with a stack trace at the first
 * request; opened and closed here first, a directory already held, or one that is not a LevelDB
 * (a file in its place, say), is a clear refusal instead.
 */
async function ensureUnlocked(path: string): Promise<void> {
  const db = new Level(path);
  try {
    await db.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (cause?.code === 'LEVEL_LOCKED')
      throw new PlugboardError(
        'Unavailable',
        `the registry at ${path} is open in another process: stop that platform or start this one with another data folder`,
      );
    throw new PlugboardError(
      'Unavailable',
      `the registry at ${path} cannot be opened (${String(cause?.message ?? error)}): start with another data folder`,
    );
  }
  await db.close();
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
