import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatcherDeps } from '../../../lib/core/dispatcher/deps';
import { settleAnnouncements } from '../../../lib/core/instances/announcements';
import type { IfMatch } from '../../../lib/core/instances/if-match';
import { InstanceService } from '../../../lib/core/instances/instance-service';
import type { EventBus, InstanceRecord, Registry } from '../../../lib/core/ports';
import { FileCredentialStore } from '../../../lib/local/file-credential-store';
import { PlugboardError } from '../../../lib/sdk/errors';
import type { PlatformEvent } from '../../../lib/sdk/events';
import { ManifestSchema } from '../../../lib/sdk/manifest';
import { type DynaliteTable, startDynaliteTable } from '../../fixtures/dynalite-table';

/**
 * Where the process dies in an instance write: before the registry write, after it (landed or
 * refused), or after the event is published and before its announcement is released. A dead process
 * runs nothing more: the call it was making never returns.
 */
type Death = 'none' | 'beforeWrite' | 'afterWrite' | 'afterPublish';

type Op =
  | { kind: 'create'; name: string }
  | { kind: 'update'; name: string; ifMatch: IfMatch }
  | { kind: 'delete'; name: string; ifMatch: IfMatch; inUse: boolean }
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
    await table.registry.putPlugin({
      slug: 'p',
      manifest: ManifestSchema.parse({
        slug: 'p',
        name: 'P',
        version: '1.0.0',
        apiVersion: 1,
        credentials: [{ name: 'token', label: 'Token', required: false }],
      }),
      status: 'loaded',
      updatedAt: new Date().toISOString(),
    });
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
   * publish it makes then never returns, and `died` resolves.
   */
  function process(published: PlatformEvent[], death: Death, { inUse = false, raced = false } = {}) {
    let died!: () => void;
    const dead = new Promise<'died'>((resolve) => {
      died = () => resolve('died');
    });
    const never = (): Promise<never> => {
      died();
      return new Promise<never>(() => undefined);
    };
    const run: Run = { held: [], landed: [] };
    const inner = table.registry;
    const registry = new Proxy(inner, {
      get(target, property: string) {
        const value = Reflect.get(target, property) as unknown;
        if (typeof value !== 'function') return value;
        const method = value.bind(target) as (...args: unknown[]) => Promise<unknown>;
        if (property === 'holdAnnouncement')
          return async (...args: Parameters<Registry['holdAnnouncement']>) => {
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
            if (current) await inner.updateInstance(name, { order: current.order + 1 }, current.version);
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
    /** Runs the op to its answer, a refusal, or the process's death. */
    const perform = async (op: Op): Promise<string> => {
      const call = (async () => {
        switch (op.kind) {
          case 'create':
            return service.create({ name: op.name, plugin: 'p' });
          case 'update':
            return service.update(op.name, { description: `d${seq++}` }, op.ifMatch);
          case 'delete':
            return service.delete(op.name, op.ifMatch);
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
      return Promise.race([call, dead]);
    };
    return { perform, run };
  }

  /** The event the live path publishes for a write that landed: the held one, a create's with its createdAt. */
  const expectedEvent = ({ event, record }: Run['landed'][number]): PlatformEvent =>
    event['detail-type'] === 'Instance Created'
      ? { ...event, detail: { ...event.detail, createdAt: record.createdAt } }
      : event;

  const settle = (published: PlatformEvent[]) =>
    settleAnnouncements({ registry: table.registry, bus: recordingBus(published) }, 0);

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
    ['a delete another write raced', 'VersionConflict'],
    ['a delete of an instance in use', 'InUse'],
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
          : what === 'an update another write raced'
            ? { kind: 'update', name, ifMatch: [1] }
            : {
                kind: 'delete',
                name,
                ifMatch: [1],
                inUse: code === 'InUse',
              };
      const { perform, run } = process(published, 'afterWrite', {
        inUse: code === 'InUse',
        raced: code === 'VersionConflict',
      });
      // Refused before the write, as an InUse delete is, it answers; refused by the write, it dies.
      expect(await perform(op)).toBe(code === 'InUse' ? code : 'died');
      expect(run.landed).toEqual([]);
      await settle(published);
      expect(published.slice(before)).toEqual([]);
      expect(await table.registry.getInstance(name)).toMatchObject({
        version: code === 'VersionConflict' ? 2 : 1,
      });
    },
  );

  const create: Op = { kind: 'create', name: 'a' };
  const remove: Op = { kind: 'delete', name: 'a', ifMatch: '*', inUse: false };
  const lived = (op: Op) => ({ op, death: 'none' as Death, settleAfter: false });
  const died = (op: Op, death: Death = 'afterWrite') => ({ op, death, settleAfter: false });

  it('publishes, after recovery, exactly one event id for every write that landed and none for one that did not, wherever processes died', async () => {
    const names = ['a', 'b'];
    const op = fc.oneof(
      fc.record({ kind: fc.constant('create' as const), name: fc.constantFrom(...names) }),
      fc.record({
        kind: fc.constant('update' as const),
        name: fc.constantFrom(...names),
        ifMatch: fc.constantFrom<IfMatch>('*', [1], [2]),
      }),
      fc.record({
        kind: fc.constant('delete' as const),
        name: fc.constantFrom(...names),
        ifMatch: fc.constantFrom<IfMatch>('*', [1], [3]),
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
      death: fc.constantFrom<Death>('none', 'beforeWrite', 'afterWrite', 'afterPublish'),
      // Recovery runs between writes too, as a scheduled one does while others write.
      settleAfter: fc.constantFrom(false, false, false, true),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 10 }), async (steps) => {
        const prefix = `r${seq++}-`;
        const published: PlatformEvent[] = [];
        const landed: Run['landed'] = [];
        for (const { op: each, death, settleAfter } of steps) {
          const named = { ...each, name: prefix + each.name } as Op;
          const { perform, run } = process(published, death, {
            inUse: named.kind === 'delete' && named.inUse,
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
        ],
      },
    );
  });
});
