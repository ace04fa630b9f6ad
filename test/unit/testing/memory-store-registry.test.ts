import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instanceStore } from '../../../lib/aws/runtime-services';
import type { PluginStore } from '../../../lib/sdk/context';
import { MemoryStore } from '../../../lib/testing';
import { type DynaliteTable, startDynaliteTable } from '../../fixtures/dynalite-table';

/** The registry's side of the comparison: the store of an instance `one` of plugin `probe`. */
const OWNER = { plugin: 'probe', name: 'one', generation: 'g1' };

/** What a client of the store can tell apart: the result without its clock, or the error. */
async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return JSON.parse(JSON.stringify(await run(), (k, v) => (k === 'updatedAt' ? undefined : v)));
  } catch (error) {
    const { code, message, errors } = error as { code?: string; message: string; errors?: unknown };
    return { code, message, errors };
  }
}

/**
 * The same calls on the test double and on the registry the platform runs (DynamoDbRegistry on the
 * local platform's embedded DynamoDB) must come out the same, errors included.
 */
describe('MemoryStore answers as the registry does', () => {
  let table: DynaliteTable;
  let registry: PluginStore;
  beforeAll(async () => {
    table = await startDynaliteTable();
    registry = instanceStore(table.registry, OWNER);
  });
  afterAll(() => table.close());

  const both = async (call: (store: PluginStore) => Promise<unknown>, memory: PluginStore) => {
    const expected = await outcome(() => call(registry));
    expect(await outcome(() => call(memory))).toEqual(expected);
    return expected;
  };

  it('refuses the values and keys the registry refuses, with its errors', async () => {
    const memory = new MemoryStore({ plugin: 'probe', instance: 'one', generation: OWNER.generation });
    const refused = [
      (s: PluginStore) => s.put('k', undefined),
      (s: PluginStore) => s.put('k', new Date(0)),
      (s: PluginStore) => s.put('k', 1n),
      (s: PluginStore) => s.put('k', new Map([['a', 1]])),
      (s: PluginStore) => s.put('k', { nested: [1, { at: new Date(0) }] }),
      (s: PluginStore) => s.put('k', 'x'.repeat(401 * 1024)),
      (s: PluginStore) => s.put('', 1),
      (s: PluginStore) => s.put('k'.repeat(5000), 1),
      (s: PluginStore) => s.get(''),
      (s: PluginStore) => s.delete('k'.repeat(1025)),
      (s: PluginStore) => s.list({ limit: 0 }),
      (s: PluginStore) => s.list({ cursor: '!!' }),
      (s: PluginStore) =>
        s.list({ cursor: Buffer.from('{"pk":"STORE#probe#two","sk":"a"}').toString('base64url') }),
    ];
    for (const call of refused) {
      expect(await both(call, memory)).toMatchObject({ code: expect.any(String) });
    }
  });

  it('keeps values as JSON, lists in the table order and pages with its cursors', async () => {
    const memory = new MemoryStore({ plugin: 'probe', instance: 'one', generation: OWNER.generation });
    const keys = ['b/2', 'a', 'b/1', 'b/\u{1F600}', 'b/\uFFFD', 'b/3', 'c'];
    for (const key of keys) await both((s) => s.put(key, { key, gone: undefined, n: -0 }), memory);
    await both((s) => s.get('b/1'), memory);
    await both((s) => s.get('missing'), memory);
    const first = (await both((s) => s.list({ prefix: 'b/', limit: 2 }), memory)) as { nextCursor: string };
    const second = (await both(
      (s) => s.list({ prefix: 'b/', limit: 2, cursor: first.nextCursor }),
      memory,
    )) as {
      nextCursor: string;
    };
    await both((s) => s.list({ prefix: 'b/', limit: 2, cursor: second.nextCursor }), memory);
    await both((s) => s.list({ prefix: 'a', cursor: first.nextCursor }), memory);
    await both((s) => s.delete('b/1'), memory);
    await both((s) => s.delete('b/1'), memory);
    await both((s) => s.list(), memory);
  });
});
