import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DynamoDbRegistry } from '../../lib/aws/dynamodb-registry';
import {
  createDynamoClient,
  LOCAL_REGISTRY_TABLE,
  type LocalDynamo,
  openMarker,
  startDynalite,
} from '../../lib/local/dynalite';
import { type Item, type Write, writeToStore } from './dynalite-store';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
async function registryPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'plugboard-repair-'));
  dirs.push(dir);
  return join(dir, 'registry');
}

async function withDynalite<T>(
  path: string,
  use: (client: DynamoDBClient, dynamo: LocalDynamo) => Promise<T>,
): Promise<T> {
  const dynamo = await startDynalite({ path });
  const client = createDynamoClient(dynamo.endpoint);
  try {
    return await use(client, dynamo);
  } finally {
    client.destroy();
    await dynamo.close();
  }
}

async function scanAll(client: DynamoDBClient, indexName?: string): Promise<Item[]> {
  const items: Item[] = [];
  let start: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: LOCAL_REGISTRY_TABLE, IndexName: indexName, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** An item as one comparable string, whatever the order of its attributes. */
const canonical = (item: Item) => JSON.stringify(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)));
const canonicalSet = (items: Item[]) => items.map(canonical).sort();

describe('the local registry after a process stopped without closing it', () => {
  it('lists exactly its stored instances again: a killed create, update and delete leave no trace', async () => {
    const path = await registryPath();
    const stored = await withDynalite(path, async (client) => {
      const registry = new DynamoDbRegistry({ client, tableName: LOCAL_REGISTRY_TABLE });
      const raw: Record<string, Item> = {};
      for (const name of ['alpha', 'bravo', 'charlie']) {
        await registry.createInstance({
          name,
          plugin: 'echo',
          description: `the ${name}`,
          options: {},
          context: {},
          order: 0,
          credentialsSet: [],
        });
        const { Item } = await client.send(
          new GetItemCommand({
            TableName: LOCAL_REGISTRY_TABLE,
            Key: { pk: { S: `INSTANCE#${name}` }, sk: { S: 'INSTANCE' } },
          }),
        );
        raw[name] = Item!;
      }
      return raw;
    });
    const { alpha, bravo, charlie } = stored as Record<string, Item>;
    await writeToStore(path, LOCAL_REGISTRY_TABLE, [
      {
        put: { ...alpha!, pk: { S: 'INSTANCE#ghost' }, name: { S: 'ghost' }, gsi1sk: { S: 'echo#ghost' } },
        killed: true,
      },
      { put: { ...bravo!, description: { S: 'never acknowledged' } }, killed: true },
      { put: { ...charlie!, plugin: { S: 'other' }, gsi1sk: { S: 'other#charlie' } }, killed: true },
      { delete: { pk: alpha!.pk!, sk: alpha!.sk! }, killed: true },
    ]);
    const view = (client: DynamoDBClient) => {
      const registry = new DynamoDbRegistry({ client, tableName: LOCAL_REGISTRY_TABLE });
      return Promise.all([
        registry
          .listInstances()
          .then((page) => page.items.map((i) => `${i.name} ${i.plugin} ${i.description}`)),
        registry.getInstance('ghost'),
      ]);
    };

    // Opened as a cleanly closed registry, the half-done writes show: what the repair must mend.
    const [before, ghostBefore] = await withDynalite(path, async (client, dynamo) => {
      expect(dynamo.repair).toBeUndefined();
      return view(client);
    });
    expect(before).toEqual([
      'bravo echo never acknowledged',
      'ghost echo the alpha',
      'charlie other the charlie',
    ]);
    expect(ghostBefore).toBeUndefined();

    await writeFile(openMarker(path), '');
    const [after, ghostAfter, repair] = await withDynalite(path, async (client, dynamo) => [
      ...(await view(client)),
      dynamo.repair,
    ]);
    expect(repair).toEqual({ checked: 3, reindexed: 2, removed: 2 });
    expect(after).toEqual(['alpha echo the alpha', 'bravo echo the bravo', 'charlie echo the charlie']);
    expect(ghostAfter).toBeUndefined();
    expect(existsSync(openMarker(path))).toBe(false);

    await withDynalite(path, async (_, dynamo) => expect(dynamo.repair).toBeUndefined());
  }, 30_000);

  it('keeps its marker while open, so a kill is noticed at the next start; in memory there is none', async () => {
    const path = await registryPath();
    const dynamo = await startDynalite({ path });
    expect(existsSync(openMarker(path))).toBe(true);
    await dynamo.close();
    expect(existsSync(openMarker(path))).toBe(false);
    const memory = await startDynalite();
    expect(memory.repair).toBeUndefined();
    await memory.close();
  });

  it('brings the index in step with the stored items after any mix of whole and killed writes', async () => {
    const name = fc.constantFrom('n0', 'n1', 'n2', 'n3');
    const put = fc.record({
      name,
      indexed: fc.boolean(),
      plugin: fc.constantFrom('p0', 'p1'),
      description: fc.constantFrom('a', 'b'),
      killed: fc.boolean(),
    });
    const del = fc.record({ name, killed: fc.boolean(), delete: fc.constant(true) });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(put, del), { minLength: 1, maxLength: 12 }), async (ops) => {
        const path = await registryPath();
        await withDynalite(path, async () => undefined);
        const key = (n: string): Item => ({ pk: { S: `INSTANCE#${n}` }, sk: { S: 'INSTANCE' } });
        const stored = new Map<string, Item>();
        const writes: Write[] = ops.map((op) => {
          if ('delete' in op) {
            if (!op.killed) stored.delete(op.name);
            return { delete: key(op.name), killed: op.killed };
          }
          const item: Item = {
            ...key(op.name),
            description: { S: op.description },
            ...(op.indexed ? { gsi1pk: { S: 'INSTANCES' }, gsi1sk: { S: `${op.plugin}#${op.name}` } } : {}),
          };
          if (!op.killed) stored.set(op.name, item);
          return { put: item, killed: op.killed };
        });
        await writeToStore(path, LOCAL_REGISTRY_TABLE, writes);
        await writeFile(openMarker(path), '');
        await withDynalite(path, async (client, dynamo) => {
          const items = await scanAll(client);
          expect(canonicalSet(items)).toEqual(canonicalSet([...stored.values()]));
          expect(canonicalSet(await scanAll(client, 'gsi1'))).toEqual(
            canonicalSet(items.filter((item) => item.gsi1pk !== undefined)),
          );
          if (ops.every((op) => !op.killed))
            expect(dynamo.repair).toMatchObject({ reindexed: 0, removed: 0 });
        });
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
