import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynaliteTable } from '../fixtures/dynalite-table';
import { itemsBeforeGenerations, putItems } from '../fixtures/items-before-generations';
import { startTestPlatform, type TestPlatform } from './harness';

/**
 * The late-writer plugin's gate (test/fixtures/store-plugins): its worker thread runs in this
 * process, so a BroadcastChannel reaches it and a call can be held while its instance is replaced.
 */
class Gate {
  private readonly channel = new BroadcastChannel('late-writer');
  private readonly heard: { started?: string; written?: string }[] = [];
  private readonly waiting = new Set<() => void>();

  constructor() {
    this.channel.onmessage = (message) => {
      this.heard.push((message as MessageEvent).data);
      for (const wake of this.waiting) wake();
    };
  }

  /** Resolves once the plugin has said `what` for the instance. */
  until(what: 'started' | 'written', instance: string): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!this.heard.some((message) => message[what] === instance)) return;
        this.waiting.delete(check);
        resolve();
      };
      this.waiting.add(check);
      check();
    });
  }

  release(instance: string): void {
    this.channel.postMessage({ release: instance });
  }

  close(): void {
    this.channel.close();
  }
}

const pluginsDir = join(import.meta.dirname, '../fixtures/store-plugins');
const gate = new Gate();
afterAll(() => gate.close());

/** The keys in the instance's store, as its plugin lists them. */
const keysOf = async (pb: TestPlatform, instance: string) =>
  (await pb.call('POST', `/v1/instances/${instance}/actions/keys`, {})).body.result;

describe('a store belongs to one instance, not to its name', () => {
  let pb: TestPlatform;
  beforeAll(async () => {
    pb = await startTestPlatform({ pluginsDir });
  });
  afterAll(() => pb?.close());

  it("shows an instance's generation, kept by its changes and new for a new instance of its name", async () => {
    const created = await pb.createInstance('shown', 'late-writer');
    expect(created.generation).toEqual((await pb.platform.registry.getInstance('shown'))?.generation);
    const read = await pb.call('GET', '/v1/instances/shown');
    const patched = await pb.call(
      'PATCH',
      '/v1/instances/shown',
      { order: 1 },
      { 'if-match': `"1-${created.generation}"` },
    );
    const listed = await pb.call('GET', '/v1/instances?plugin=late-writer');
    expect(patched.status).toBe(200);
    for (const shown of [
      read.body,
      patched.body,
      listed.body.instances.find((i: { name: string }) => i.name === 'shown'),
    ])
      expect(shown.generation).toBe(created.generation);
    expect((await pb.call('DELETE', '/v1/instances/shown')).status).toBe(204);
    expect((await pb.createInstance('shown', 'late-writer')).generation).not.toBe(created.generation);
  });

  it('a call of a deleted instance that writes late does not write into the new instance of its name', async () => {
    await pb.createInstance('reused', 'late-writer');
    const late = pb.call('POST', '/v1/instances/reused/actions/write_late', {});
    await gate.until('started', 'reused');
    expect((await pb.call('DELETE', '/v1/instances/reused')).status).toBe(204);
    await pb.createInstance('reused', 'late-writer');
    gate.release('reused');
    expect((await late).status).toBe(200);
    expect(await keysOf(pb, 'reused')).toEqual([]);
  });

  it("an onInstanceDeleted hook that runs after its name was taken again does not write into the new instance's store", async () => {
    await pb.createInstance('hooked', 'late-writer', { holdDeleteHook: true });
    expect((await pb.call('DELETE', '/v1/instances/hooked')).status).toBe(204);
    await gate.until('started', 'hooked');
    await pb.createInstance('hooked', 'late-writer');
    gate.release('hooked');
    await gate.until('written', 'hooked');
    expect(await keysOf(pb, 'hooked')).toEqual([]);
  });
});

describe('an instance created before generations, on a platform started over its registry', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'plugboard-generations-'));
  let pb: TestPlatform;
  beforeAll(async () => {
    const table = await startDynaliteTable({ path: join(dataDir, 'registry') });
    try {
      await putItems(table, itemsBeforeGenerations('late-writer', 'old-style', { kept: 1 }));
      await putItems(table, itemsBeforeGenerations('late-writer', 'old-tagged', {}));
    } finally {
      await table.close();
    }
    pb = await startTestPlatform({ memory: false, dataDir, pluginsDir });
  });
  afterAll(async () => {
    await pb?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps the ETag of its version alone, which If-Match takes; one naming a generation is not its', async () => {
    const read = await pb.call('GET', '/v1/instances/old-tagged');
    expect(read.headers.get('etag')).toBe('"1"');
    const patch = (ifMatch: string) =>
      pb.call('PATCH', '/v1/instances/old-tagged', { order: 1 }, { 'if-match': ifMatch });
    expect((await patch('"1-qT0mIjq4Ck2x7dYxE5bWlA"')).status).toBe(412);
    const patched = await patch('"1"');
    expect(patched.status).toBe(200);
    expect(patched.headers.get('etag')).toBe('"2"');
    expect(
      (await pb.call('GET', '/v1/instances/old-tagged', undefined, { 'if-none-match': '"2"' })).status,
    ).toBe(304);
  });

  it('keeps its store where it was written: its calls read and write it there, and deleting it clears it', async () => {
    expect(await keysOf(pb, 'old-style')).toEqual(['kept']);
    const late = pb.call('POST', '/v1/instances/old-style/actions/write_late', {});
    await gate.until('started', 'old-style');
    gate.release('old-style');
    expect((await late).status).toBe(200);
    expect(await keysOf(pb, 'old-style')).toEqual(['kept', 'late']);

    expect((await pb.call('DELETE', '/v1/instances/old-style')).status).toBe(204);
    expect(await pb.platform.registry.storeList({ plugin: 'late-writer', name: 'old-style' })).toEqual({
      items: [],
      nextCursor: undefined,
    });
    await pb.createInstance('old-style', 'late-writer');
    expect(await keysOf(pb, 'old-style')).toEqual([]);
  });
});
