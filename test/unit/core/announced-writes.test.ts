import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatcherDeps } from '../../../lib/core/dispatcher/deps';
import { DELETE_CLAIM_EXPIRY_MS, settleAnnouncements } from '../../../lib/core/instances/announcements';
import type { IfMatch } from '../../../lib/core/instances/if-match';
import { InstanceService } from '../../../lib/core/instances/instance-service';
import {
  type CredentialStore,
  credentialsRef,
  type EventBus,
  type InstanceRecord,
  type Registry,
} from '../../../lib/core/ports';
import { FileCredentialStore } from '../../../lib/local/file-credential-store';
import { PlugboardError } from '../../../lib/sdk/errors';
import type { PlatformEvent } from '../../../lib/sdk/events';
import { dyingRegistry } from '../../fixtures/dying-registry';
import { type DynaliteTable, startDynaliteTable } from '../../fixtures/dynalite-table';
import { putTokenPlugin } from '../../fixtures/token-plugin';

/**
 * Where the process dies in an instance write: before the registry write, in a delete once it has
 * claimed the instance and marked what landed, after the write (landed or refused), or after the
 * event is published and before its announcement is released. A dead process runs nothing more: the
 * call it was making never returns.
 */
type Death = 'none' | 'beforeWrite' | 'afterClaim' | 'afterWrite' | 'afterPublish';

/** An If-Match as a client sends it that read, at each version listed, the instance of the name now. */
type Versions = '*' | readonly number[];

type Op =
  | { kind: 'create'; name: string }
  | { kind: 'update'; name: string; ifMatch: Versions }
  | { kind: 'delete'; name: string; ifMatch: Versions; inUse: boolean }
  | { kind: 'credentials'; name: string; set: boolean };

/** What one process did: the announcement it held last, and the writes of it that landed. */
interface Run {
  held: PlatformEvent[];
  landed: { event: PlatformEvent; record: InstanceRecord }[];
}

const WRITES = new Set(['createInstance', 'updateInstance', 'deleteInstance']);
const REFUSALS = new Set(['NameTaken', 'NotFound', 'VersionConflict', 'InUse']);
const ORIGIN = { account: '000000000000', region: 'local' };

describe('instance writes whose process dies', () => {
  let table: DynaliteTable;
  let dir: string;
  let credentials: FileCredentialStore;
  let seq = 0;

  beforeAll(async () => {
    table = await startDynaliteTable();
    dir = await mkdtemp(join(tmpdir(), 'plugboard-announced-'));
    credentials = new FileCredentialStore({ dir });
    await putTokenPlugin(table.registry);
  });
  afterAll(async () => {
    await table?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The bus every process publishes to: what it took, in order. */
  const recordingBus = (published: PlatformEvent[]): EventBus => ({
    publish: async (events) => {
      published.push(...events);
      return events.map((event) => event.id);
    },
  });

  /**
   * A process over the shared registry and bus that dies at `death`: the registry write or the
   * publish it makes then never returns, and `died` resolves. One that died `longAgo` held its
   * announcements more than DELETE_CLAIM_EXPIRY_MS before what follows.
   */
  function process(
    published: PlatformEvent[],
    death: Death,
    { inUse = false, raced = false, remade = false, longAgo = false } = {},
  ) {
    let died!: () => void;
    const dead = new Promise<'died'>((resolve) => {
      died = () => resolve('died');
    });
    const never = (): Promise<never> => {
      died();
      return new Promise<never>(() => undefined);
    };
    const run: Run = { held: [], landed: [] };
    const dying = death === 'afterClaim' ? dyingRegistry(table) : undefined;
    void dying?.died.then(() => died());
    const inner = dying?.registry ?? table.registry;
    const registry = new Proxy(inner, {
      get(target, property: string) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        const method = value.bind(target) as (...args: unknown[]) => Promise<unknown>;
        if (property === 'holdAnnouncement')
          return async (...args: Parameters<Registry['holdAnnouncement']>) => {
            // The object the write carries too, so its claim is as old.
            if (longAgo) args[0].heldAt = new Date(Date.now() - DELETE_CLAIM_EXPIRY_MS - 1000).toISOString();
            run.held.push(args[0].event);
            return method(...args);
          };
        if (!WRITES.has(property)) return method;
        return async (...args: unknown[]) => {
          if (death === 'beforeWrite') return never();
          if (raced) {
            // Another writer's update lands between the service's read and its write.
            const name =
              property === 'createInstance' ? (args[0] as InstanceRecord).name : (args[0] as string);
            const current = await inner.getInstance(name);
            if (current) await inner.updateInstance(name, { order: current.order + 1 }, current);
          }
          if (remade) {
            // Another writer deletes the instance and makes it again, at the version the service read.
            const { version, createdAt, updatedAt, generation, ...made } = (await inner.getInstance(
              args[0] as string,
            ))!;
            await inner.deleteInstance(made.name);
            await inner.createInstance(made);
          }
          let record: InstanceRecord;
          try {
            record = (await method(...args)) as InstanceRecord;
          } catch (error) {
            if (death === 'afterWrite') return never();
            throw error;
          }
          run.landed.push({ event: run.held.at(-1)!, record });
          return death === 'afterWrite' ? never() : record;
        };
      },
    });
    const bus: EventBus = {
      publish: async (events) => {
        published.push(...events);
        return death === 'afterPublish' ? never() : events.map((event) => event.id);
      },
    };
    const deps: DispatcherDeps = {
      registry,
      credentials,
      invoker: { invoke: () => Promise.reject(new Error('no plugin is called here')) },
      bus,
      authenticate: async () => undefined,
      stage: 'test',
      origin: ORIGIN,
    };
    const service = new InstanceService(deps, async () => (inUse ? ['subscription s1'] : []));
    const ifMatchOf = async (name: string, versions: Versions): Promise<IfMatch> => {
      if (versions === '*') return '*';
      const { generation } = (await table.registry.getInstance(name)) ?? {};
      return versions.map((version) => ({ version, generation }));
    };
    /** Runs the op to its answer, a refusal, or the process's death. */
    const perform = async (op: Op): Promise<string> => {
      const call = (async () => {
        switch (op.kind) {
          case 'create':
            return service.create({ name: op.name, plugin: 'p' });
          case 'update':
            return service.update(
              op.name,
              { description: `d${seq++}` },
              await ifMatchOf(op.name, op.ifMatch),
            );
          case 'delete':
            return service.delete(op.name, await ifMatchOf(op.name, op.ifMatch));
          case 'credentials':
            return op.set
              ? service.putCredentials(op.name, { token: 't' })
              : service.deleteCredentials(op.name);
        }
      })().then(
        () => 'done',
        (error: unknown) => {
          if (!(error instanceof PlugboardError && REFUSALS.has(error.code))) throw error;
          return error.code;
        },
      );
      return Promise.race([call, dead]).finally(() => dying?.close());
    };
    return { perform, run };
  }

  /** The event the live path publishes for a write that landed: the held one, a create's with its createdAt. */
  const expectedEvent = ({ event, record }: Run['landed'][number]): PlatformEvent =>
    event['detail-type'] === 'Instance Created'
      ? { ...event, detail: { ...event.detail, createdAt: record.createdAt } }
      : event;

  const settle = (published: PlatformEvent[]) =>
    settleAnnouncements(
      { registry: table.registry, bus: recordingBus(published), credentials, stage: 'test' },
      0,
    );

  it.each([
    ['no instance of its name is left', false],
    ['the name has been taken by a new instance since', true],
  ] as const)(
    'removes, after recovery, the credentials and store a delete whose process died left, when %s',
    async (_, remade) => {
      const name = `left-${seq++}`;
      const published: PlatformEvent[] = [];
      await process(published, 'none').perform({ kind: 'create', name });
      await process(published, 'none').perform({ kind: 'credentials', name, set: true });
      const old = (await table.registry.getInstance(name))!;
      const ref = credentialsRef('test', old);
      const oldStore = { plugin: 'p', name, generation: old.generation };
      const byName = { plugin: 'p', name };
      await table.registry.storePut(oldStore, 'kept', 'a kv-config value');
      await table.registry.storePut(byName, 'written', 'by an envelope without a generation');

      expect(await process(published, 'afterWrite').perform(removal(name))).toBe('died');
      // The process died after the instance went: nothing of it was removed yet.
      expect(await table.registry.getInstance(name)).toBeUndefined();
      expect(await credentials.resolve(ref)).toEqual({ token: 't' });

      let current: InstanceRecord | undefined;
      if (remade) {
        await process(published, 'none').perform({ kind: 'create', name });
        await process(published, 'none').perform({ kind: 'credentials', name, set: true });
        current = await table.registry.getInstance(name);
        await table.registry.storePut({ plugin: 'p', name, generation: current!.generation }, 'new', 1);
      }
      const before = published.length;
      await settle(published);
      expect(published.slice(before).map((event) => event['detail-type'])).toEqual(['Instance Deleted']);
      expect((await table.registry.storeList(oldStore)).items).toEqual([]);
      // The deleted instance's credentials are its generation's: gone, whoever holds the name now.
      expect(await credentials.resolve(ref)).toBeUndefined();
      if (!remade) {
        expect((await table.registry.storeList(byName)).items).toEqual([]);
      } else {
        // What is named by the name alone is the new instance's now: left as it is.
        expect(await credentials.resolve(credentialsRef('test', current!))).toEqual({ token: 't' });
        expect((await table.registry.storeList(byName)).items).toHaveLength(1);
        const newStore = { plugin: 'p', name, generation: current!.generation };
        expect((await table.registry.storeList(newStore)).items.map((item) => item.key)).toEqual(['new']);
      }
    },
  );

  it('leaves the credentials of an instance made again while recovery removes what a dead delete left', async () => {
    const name = `left-${seq++}`;
    const published: PlatformEvent[] = [];
    await process(published, 'none').perform({ kind: 'create', name });
    await process(published, 'none').perform({ kind: 'credentials', name, set: true });
    const old = (await table.registry.getInstance(name))!;
    expect(await process(published, 'afterWrite').perform(removal(name))).toBe('died');

    // Recovery has read that no instance of the name is left; before it removes the credentials,
    // the name is created again and given credentials of its own.
    let remade: Promise<unknown> | undefined;
    const remadeBeforeRemoval: CredentialStore = {
      put: (ref, values) => credentials.put(ref, values),
      delete: async (ref) => {
        remade ??= (async () => {
          await process(published, 'none').perform({ kind: 'create', name });
          await process(published, 'none').perform({ kind: 'credentials', name, set: true });
        })();
        await remade;
        await credentials.delete(ref);
      },
    };
    await settleAnnouncements(
      {
        registry: table.registry,
        bus: recordingBus(published),
        credentials: remadeBeforeRemoval,
        stage: 'test',
      },
      0,
    );
    expect(remade).toBeDefined();
    expect(published.at(-1)).toMatchObject({
      'detail-type': 'Instance Deleted',
      detail: { instance: name },
    });
    const current = (await table.registry.getInstance(name))!;
    expect(current.generation).not.toBe(old.generation);
    expect(current.credentialsSet).toEqual(['token']);
    expect(await credentials.resolve(credentialsRef('test', current))).toEqual({ token: 't' });
    expect(await credentials.resolve(credentialsRef('test', old))).toBeUndefined();
  });

  it.each([
    ['create', 'Instance Created'],
    ['update', 'Instance Updated'],
    ['delete', 'Instance Deleted'],
    ['credentials', 'Credentials Updated'],
  ] as const)(
    'publishes, after recovery, the event of a %s whose process died before publishing it, as the live path would',
    async (kind, detailType) => {
      const name = `died-${kind}`;
      const published: PlatformEvent[] = [];
      if (kind !== 'create') await process(published, 'none').perform({ kind: 'create', name });
      const before = published.length;
      const op: Op =
        kind === 'create'
          ? { kind, name }
          : kind === 'credentials'
            ? { kind, name, set: true }
            : { kind, name, ifMatch: '*', inUse: false };
      const { perform, run } = process(published, 'afterWrite');
      await perform(op);
      expect(published).toHaveLength(before);
      expect(run.landed).toHaveLength(1);

      await settle(published);
      expect(published.slice(before)).toEqual([expectedEvent(run.landed[0]!)]);
      const [event] = published.slice(before);
      expect(event).toMatchObject({
        id: run.held[0]!.id,
        'detail-type': detailType,
        detail: { instance: name },
      });
      if (kind === 'create')
        expect(event!.detail).toMatchObject({
          version: 1,
          plugin: 'p',
          createdAt: run.landed[0]!.record.createdAt,
        });
      if (kind === 'credentials')
        expect(event!.detail).toEqual({ instance: name, plugin: 'p', names: ['token'] });
      // Settled once, it is published no more.
      await settle(published);
      expect(published.slice(before)).toHaveLength(1);
    },
  );

  it.each([
    ['a taken name', 'NameTaken'],
    ['an update another write raced', 'VersionConflict'],
    ['an update of an instance deleted and made again, at the version read', 'VersionConflict'],
    ['a delete another write raced', 'VersionConflict'],
    ['a delete of an instance in use', 'InUse'],
    ['a delete of an instance deleted and made again, at the version read', 'NotFound'],
  ] as const)(
    'publishes nothing, after recovery, for a write refused for %s before its process died',
    async (what, code) => {
      const name = `refused-${seq++}`;
      const published: PlatformEvent[] = [];
      await process(published, 'none').perform({ kind: 'create', name });
      const before = published.length;
      const op: Op =
        what === 'a taken name'
          ? { kind: 'create', name }
          : what.startsWith('an update')
            ? { kind: 'update', name, ifMatch: [1] }
            : {
                kind: 'delete',
                name,
                ifMatch: [1],
                inUse: code === 'InUse',
              };
      const raced = what.endsWith('another write raced');
      const remade = what.includes('deleted and made again');
      const { perform, run } = process(published, 'afterWrite', { inUse: code === 'InUse', raced, remade });
      const read = await table.registry.getInstance(name);
      // Refused before the write, as an InUse delete is, it answers; refused by the write, it dies.
      expect(await perform(op)).toBe(code === 'InUse' ? code : 'died');
      expect(run.landed).toEqual([]);
      await settle(published);
      expect(published.slice(before)).toEqual([]);
      const after = await table.registry.getInstance(name);
      expect(after).toMatchObject({ version: raced ? 2 : 1 });
      if (remade) {
        // The one made again is left as it was made.
        expect(after?.generation).not.toBe(read?.generation);
        expect(after?.description).toBeUndefined();
      }
    },
  );

  const removal = (name: string): Op => ({ kind: 'delete', name, ifMatch: '*', inUse: false });

  it.each([
    ['long ago', 'done'],
    ['just now', 'InUse'],
  ] as const)(
    'lets a delete take over the claim of one that died %s only once it is older than DELETE_CLAIM_EXPIRY_MS, publishing its own event alone',
    async (when, answer) => {
      const name = `taken-over-${seq++}`;
      const published: PlatformEvent[] = [];
      await process(published, 'none').perform({ kind: 'create', name });
      const before = published.length;
      const dead = process(published, 'afterClaim', { longAgo: when === 'long ago' });
      expect(await dead.perform(removal(name))).toBe('died');
      const live = process(published, 'none');
      expect(await live.perform(removal(name))).toBe(answer);
      await settle(published);
      expect(published.slice(before)).toEqual(live.run.landed.map(expectedEvent));
      expect(live.run.landed).toHaveLength(answer === 'done' ? 1 : 0);
      // A claim refused meanwhile is released by recovery.
      if (answer === 'InUse') expect(await process(published, 'none').perform(removal(name))).toBe('done');
      expect(await table.registry.getInstance(name)).toBeUndefined();
    },
  );

  it("publishes one event when a delete takes over a dead one's claim while recovery settles the dead one's announcement", async () => {
    const name = `settled-meanwhile-${seq++}`;
    const published: PlatformEvent[] = [];
    await process(published, 'none').perform({ kind: 'create', name });
    expect(await process(published, 'afterClaim', { longAgo: true }).perform(removal(name))).toBe('died');
    const before = published.length;
    const live = process(published, 'none');
    // Recovery has listed the dead delete's announcement, marked landed, and not yet read its
    // instance when the live delete takes the claim over and deletes the instance.
    const registry = new Proxy(table.registry, {
      get(target, property: string) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        const method = value.bind(target) as (name: string) => Promise<unknown>;
        if (property !== 'getAnnouncing') return method;
        return async (instance: string) => {
          if (instance === name && live.run.landed.length === 0)
            expect(await live.perform(removal(name))).toBe('done');
          return method(instance);
        };
      },
    });
    await settleAnnouncements({ registry, bus: recordingBus(published), credentials, stage: 'test' }, 0);
    expect(live.run.landed).toHaveLength(1);
    expect(published.slice(before)).toEqual(live.run.landed.map(expectedEvent));
  });

  const create: Op = { kind: 'create', name: 'a' };
  const remove = removal('a');
  const lived = (op: Op) => ({ op, death: 'none' as Death, longAgo: false, settleAfter: false });
  const died = (op: Op, death: Death = 'afterWrite', longAgo = false) => ({
    op,
    death,
    longAgo,
    settleAfter: false,
  });

  it('publishes, after recovery, exactly one event id for every write that landed and none for one that did not, wherever processes died', async () => {
    const names = ['a', 'b'];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('create' as const), name: fc.constantFrom(...names) }),
      fc.record({
        kind: fc.constant('update' as const),
        name: fc.constantFrom(...names),
        ifMatch: fc.constantFrom<Versions>('*', [1], [2]),
      }),
      fc.record({
        kind: fc.constant('delete' as const),
        name: fc.constantFrom(...names),
        ifMatch: fc.constantFrom<Versions>('*', [1], [3]),
        inUse: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('credentials' as const),
        name: fc.constantFrom(...names),
        set: fc.boolean(),
      }),
    );
    const step = fc.record({
      op,
      death: fc.constantFrom<Death>('none', 'beforeWrite', 'afterClaim', 'afterWrite', 'afterPublish'),
      // Long enough before the next step that a delete takes its claim over.
      longAgo: fc.boolean(),
      // Recovery runs between writes too, as a scheduled one does while others write.
      settleAfter: fc.constantFrom(false, false, false, true),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const prefix = `r${seq++}-`;
        const published: PlatformEvent[] = [];
        const landed: Run['landed'] = [];
        for (const { op: each, death, longAgo, settleAfter } of steps) {
          const named = { ...each, name: prefix + each.name } as Op;
          const { perform, run } = process(published, death, {
            inUse: named.kind === 'delete' && named.inUse,
            longAgo: longAgo && death !== 'none',
          });
          await perform(named);
          landed.push(...run.landed);
          if (settleAfter) await settle(published);
        }
        await settle(published);
        const expected = new Map(landed.map((write) => [write.event.id, expectedEvent(write)]));
        expect(new Set(published.map((event) => event.id))).toEqual(new Set(expected.keys()));
        for (const event of published) expect(event).toEqual(expected.get(event.id));
        // Nothing is left held for these instances.
        const left = await table.registry.listAnnouncements('9999');
        expect(left.items.filter((held) => held.instance.startsWith(prefix))).toEqual([]);
      }),
      {
        numRuns: 60,
        // Interleavings that lose or invent an event when a delete goes wrong, tried first.
        examples: [
          [[died(create), lived(remove)]],
          [[lived(create), died(remove, 'beforeWrite'), lived(remove)]],
          [[lived(create), died(remove), lived(create), lived(remove)]],
          [[lived(create), died(remove, 'afterClaim'), lived(remove)]],
          [[lived(create), died(remove, 'afterClaim', true), lived(remove)]],
          [
            [
              lived(create),
              died(remove, 'afterClaim', true),
              died(remove, 'afterClaim', true),
              lived(remove),
            ],
          ],
        ],
      },
    );
  });
});
