import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DELETE_CLAIM_EXPIRY_MS } from '../../lib/core/instances/announcements';
import { platformEvent } from '../../lib/core/platform-events';
import type {
  AnnouncedWrite,
  HeldAnnouncement,
  InstanceRecord,
  NewInstance,
  Registry,
} from '../../lib/core/ports';
import { PlugboardError } from '../../lib/sdk/errors';
import { ManifestSchema } from '../../lib/sdk/manifest';
import { codeOf, drain, rejectionOf } from './contract-cases';
import { owner, pluginStorageCases } from './plugin-storage-contract';

export interface RegistryUnderTest {
  registry: Registry;
  /** The registry as a process sees it that dies once its delete has claimed an instance. */
  dying(): { registry: Registry; died: Promise<void>; close(): void };
  /**
   * The registry as a process sees it that is overtaken between the read and the write of its next
   * instance update: `meanwhile` runs first, through `registry`.
   */
  interrupted(meanwhile: () => Promise<void>): { registry: Registry; close(): void };
  close(): Promise<void>;
}

const instance = (name: string, plugin = 'kv-config', extra: Partial<NewInstance> = {}): NewInstance => ({
  name,
  plugin,
  options: { prefix: '/org/', depth: 2, nested: { list: [1, 'two', null, true] } },
  context: { orgSlug: 'acme' },
  order: 0,
  credentialsSet: [],
  ...extra,
});

/** An announcement of a write to `name`, held at `heldAt`. */
const held = (name: string, write: AnnouncedWrite, heldAt: string): HeldAnnouncement => ({
  event: platformEvent({ account: '1', region: 'r' }, 'Instance Updated', { instance: name }),
  instance: name,
  write,
  heldAt,
});

/** One registry contract, run against every Registry implementation. */
export function registryContract(label: string, open: () => Promise<RegistryUnderTest>): void {
  describe(`Registry contract: ${label}`, () => {
    let subject: RegistryUnderTest;
    let registry: Registry;
    beforeAll(async () => {
      subject = await open();
      registry = subject.registry;
    });
    afterAll(() => subject?.close());

    it('stores plugins and lists them', async () => {
      const manifest = ManifestSchema.parse({
        slug: 'alpha',
        name: 'Alpha',
        version: '1.0.0',
        apiVersion: 1,
      });
      await registry.putPlugin({
        slug: 'alpha',
        manifest,
        status: 'loaded',
        updatedAt: '2026-01-01T00:00:00.000Z',
      });
      await registry.putPlugin({
        slug: 'beta',
        manifest: { ...manifest, slug: 'beta' },
        status: 'loaded',
        updatedAt: 'x',
      });
      await registry.putPlugin({
        slug: 'alpha',
        manifest,
        status: 'removed',
        updatedAt: '2026-01-02T00:00:00.000Z',
      });
      expect(await registry.getPlugin('alpha')).toEqual({
        slug: 'alpha',
        manifest,
        status: 'removed',
        updatedAt: '2026-01-02T00:00:00.000Z',
      });
      expect(await registry.getPlugin('nope')).toBeUndefined();
      expect(await registry.getPlugin('bad#slug')).toBeUndefined();
      // The optional handlers a loader found are kept; a record without them reads without them.
      await registry.putPlugin({
        slug: 'gamma',
        manifest: { ...manifest, slug: 'gamma' },
        status: 'loaded',
        updatedAt: 'y',
        handlers: ['http', 'preHook'],
      });
      expect((await registry.getPlugin('gamma'))?.handlers).toEqual(['http', 'preHook']);
      expect(await registry.getPlugin('beta')).not.toHaveProperty('handlers');
      const slugs = (await registry.listPlugins()).map((p) => p.slug);
      expect(slugs).toEqual(expect.arrayContaining(['alpha', 'beta']));
      expect(slugs.filter((s) => s === 'alpha')).toHaveLength(1);
    });

    it('creates, reads, updates and deletes an instance', async () => {
      const created = await registry.createInstance(
        instance('crud-1', 'kv-config', { description: 'first' }),
      );
      expect(created).toMatchObject({ ...instance('crud-1'), description: 'first', version: 1 });
      expect(created.createdAt).toBe(created.updatedAt);
      expect(await registry.getInstance('crud-1')).toEqual(created);

      const updated = await registry.updateInstance(
        'crud-1',
        { options: { prefix: '/b/' }, order: 3 },
        created,
      );
      expect(updated).toMatchObject({
        options: { prefix: '/b/' },
        order: 3,
        version: 2,
        description: 'first',
      });
      expect(updated.createdAt).toBe(created.createdAt);
      expect(await registry.getInstance('crud-1')).toEqual(updated);

      const absent = await registry.updateInstance(
        'crud-1',
        { options: { kept: 1, dropped: undefined } },
        updated,
      );
      expect(absent.options).toEqual({ kept: 1 });
      expect(Object.keys(absent.options)).toEqual(['kept']);

      expect(await registry.deleteInstance('crud-1', absent)).toEqual(absent);
      expect(await registry.getInstance('crud-1')).toBeUndefined();
      expect(await codeOf(registry.deleteInstance('crud-1'))).toBe('NotFound');
    });

    it('refuses a taken name and leaves the first instance alone', async () => {
      const first = await registry.createInstance(instance('taken'));
      expect(await codeOf(registry.createInstance(instance('taken', 'other', { order: 9 })))).toBe(
        'NameTaken',
      );
      expect(await registry.getInstance('taken')).toEqual(first);
    });

    it('tells a version conflict from a missing instance', async () => {
      const made = await registry.createInstance(instance('versioned'));
      expect(await codeOf(registry.updateInstance('versioned', { order: 1 }, { ...made, version: 7 }))).toBe(
        'VersionConflict',
      );
      expect(await codeOf(registry.deleteInstance('versioned', { ...made, version: 7 }))).toBe(
        'VersionConflict',
      );
      expect(await codeOf(registry.updateInstance('missing', { order: 1 }, made))).toBe('NotFound');
      expect(await codeOf(registry.deleteInstance('missing', made))).toBe('NotFound');
      expect((await registry.getInstance('versioned'))?.version).toBe(1);
      expect(await registry.deleteInstance('versioned')).toMatchObject({ name: 'versioned', version: 1 });
    });

    it('deletes only the instance of the generation expected, at any version the same', async () => {
      const first = await registry.createInstance(instance('regenerate-delete'));
      await registry.deleteInstance('regenerate-delete', first);
      const second = await registry.createInstance(instance('regenerate-delete'));
      // The name made again is at version 1 again: the version alone would take it for the first.
      expect(await codeOf(registry.deleteInstance('regenerate-delete', first))).toBe('VersionConflict');
      expect(await registry.getInstance('regenerate-delete')).toEqual(second);
      expect(await registry.deleteInstance('regenerate-delete', second)).toEqual(second);
    });

    it('writes an update only to the instance it expects, not one of the name deleted and created again since', async () => {
      const first = await registry.createInstance(instance('remade'));
      let second: InstanceRecord | undefined;
      const overtaken = subject.interrupted(async () => {
        await registry.deleteInstance('remade');
        second = await registry.createInstance(instance('remade'));
      });
      try {
        // Both at version 1: only the generation tells them apart, in the write's own condition.
        expect(
          await rejectionOf(overtaken.registry.updateInstance('remade', { order: 9 }, first)),
        ).toMatchObject({
          code: 'VersionConflict',
          message: expect.stringContaining('deleted and created again'),
        });
      } finally {
        overtaken.close();
      }
      expect(second).toMatchObject({ version: 1 });
      expect(await registry.getInstance('remade')).toEqual(second);
      expect(await codeOf(registry.updateInstance('remade', { order: 9 }, first))).toBe('VersionConflict');
      // A version that names no generation is no instance that has one.
      expect(await codeOf(registry.updateInstance('remade', { order: 9 }, { version: 1 }))).toBe(
        'VersionConflict',
      );
      expect(await registry.getInstance('remade')).toEqual(second);
      expect(await registry.updateInstance('remade', { order: 9 }, second!)).toMatchObject({
        order: 9,
        version: 2,
        generation: second?.generation,
      });
    });

    it('lets exactly one of several concurrent updates with the same version win', async () => {
      const made = await registry.createInstance(instance('contended'));
      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => registry.updateInstance('contended', { order: i + 1 }, made)),
      );
      const winners = outcomes.filter((o) => o.status === 'fulfilled');
      expect(winners).toHaveLength(1);
      for (const o of outcomes) {
        if (o.status === 'rejected') expect((o.reason as PlugboardError).code).toBe('VersionConflict');
      }
      const stored = await registry.getInstance('contended');
      expect(stored).toEqual((winners[0] as PromiseFulfilledResult<InstanceRecord>).value);
      expect(stored?.version).toBe(2);
    });

    it("carries a write's announcements without showing them, until each is released", async () => {
      const [made, changed] = [
        held('marked', 'create', '2026-01-01T00:00:00.000Z'),
        held('marked', 'update', '2026-01-01T00:00:01.000Z'),
      ];
      await registry.holdAnnouncement(made);
      const created = await registry.createInstance(instance('marked'), { announcing: made });
      expect(created).not.toHaveProperty('announcing');
      expect(await registry.getInstance('marked')).toEqual(created);
      expect(await registry.getAnnouncing('marked')).toEqual({
        record: created,
        announcing: [made.event.id],
      });

      await registry.holdAnnouncement(changed);
      const updated = await registry.updateInstance('marked', { order: 4 }, created, {
        announcing: changed,
      });
      expect(await registry.getAnnouncing('marked')).toEqual({
        record: updated,
        announcing: [made.event.id, changed.event.id].sort(),
      });
      // An update without an announcement, as another writer makes it, leaves the others' marks.
      const later = await registry.updateInstance('marked', { order: 5 }, updated);
      expect((await registry.getAnnouncing('marked'))?.announcing).toHaveLength(2);

      await registry.releaseAnnouncement(made);
      await registry.releaseAnnouncement(made);
      // A release is no write of the record: no new version, no new updatedAt.
      expect(await registry.getAnnouncing('marked')).toEqual({
        record: later,
        announcing: [changed.event.id],
      });
      expect(await registry.getInstance('marked')).toEqual(later);
      await registry.releaseAnnouncement(changed);
      expect(await registry.getAnnouncing('marked')).toEqual({ record: later, announcing: [] });
      const listed = await registry.listAnnouncements('2026-01-02T00:00:00.000Z');
      expect(listed.items.filter((a) => a.instance === 'marked')).toEqual([]);
    });

    it('releases the announcement of a deleted instance without making the instance again', async () => {
      const made = held('released-gone', 'create', '2026-01-01T00:00:00.000Z');
      await registry.holdAnnouncement(made);
      await registry.createInstance(instance('released-gone'), { announcing: made });
      await registry.deleteInstance('released-gone');
      await registry.releaseAnnouncement(made);
      expect(await registry.getInstance('released-gone')).toBeUndefined();
      expect(await registry.getAnnouncing('released-gone')).toBeUndefined();
      expect(await registry.listInstances({ plugin: 'kv-config', limit: 1000 })).not.toContainEqual(
        expect.objectContaining({ name: 'released-gone' }),
      );
    });

    it("marks landed, before an instance goes, the announcements it carries and the claiming delete's own", async () => {
      const made = held('deleted-marked', 'create', '2026-02-01T00:00:00.000Z');
      await registry.holdAnnouncement(made);
      const created = await registry.createInstance(instance('deleted-marked'), { announcing: made });
      const removed = {
        ...held('deleted-marked', 'delete', '2026-02-01T00:00:01.000Z'),
        generation: created.generation,
      };
      await registry.holdAnnouncement(removed);
      expect(await registry.deleteInstance('deleted-marked', created, { announcing: removed })).toEqual(
        created,
      );
      const listed = (await registry.listAnnouncements('2026-02-02T00:00:00.000Z')).items;
      const landed = { createdAt: created.createdAt };
      expect(listed).toEqual([
        { ...made, landed },
        { ...removed, landed },
      ]);
      expect(await registry.getAnnouncement(removed)).toEqual({ ...removed, landed });
      // Its delete landed, so only the held announcement is left to drop.
      await registry.releaseAnnouncement(removed, { landed: true });
      await registry.releaseAnnouncement(made, { landed: true });
      expect(await registry.getAnnouncement(removed)).toBeUndefined();
      expect((await registry.listAnnouncements('2026-02-02T00:00:00.000Z')).items).toEqual([]);
      expect(await registry.getInstance('deleted-marked')).toBeUndefined();
    });

    it('lets one of several racing deletes claim an instance; only its announcement is marked landed', async () => {
      const { generation } = await registry.createInstance(instance('claimed'));
      const deletes = Array.from({ length: 4 }, (_, i) => ({
        ...held('claimed', 'delete', new Date(Date.now() - i).toISOString()),
        generation,
      }));
      for (const announcement of deletes) await registry.holdAnnouncement(announcement);
      const outcomes = await Promise.allSettled(
        deletes.map((announcement) =>
          registry.deleteInstance('claimed', { version: 1, generation }, { announcing: announcement }),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const o of outcomes)
        if (o.status === 'rejected')
          expect(['InUse', 'NotFound', 'VersionConflict']).toContain((o.reason as PlugboardError).code);
      const won = outcomes.findIndex((o) => o.status === 'fulfilled');
      for (const [i, announcement] of deletes.entries()) {
        expect((await registry.getAnnouncement(announcement))?.landed !== undefined).toBe(i === won);
        await registry.releaseAnnouncement(announcement);
      }
    });

    it('lets a delete take over the claim of one that died once it is older than DELETE_CLAIM_EXPIRY_MS, and answers InUse before', async () => {
      for (const died of ['long ago', 'just now'] as const) {
        const name = died === 'long ago' ? 'claim-abandoned' : 'claim-held';
        const created = await registry.createInstance(instance(name));
        const age = died === 'long ago' ? DELETE_CLAIM_EXPIRY_MS + 1000 : 0;
        const first = {
          ...held(name, 'delete', new Date(Date.now() - age).toISOString()),
          generation: created.generation,
        };
        await registry.holdAnnouncement(first);
        const dying = subject.dying();
        void dying.registry.deleteInstance(name, created, { announcing: first });
        await dying.died;
        dying.close();
        const landed = { createdAt: created.createdAt };
        expect(await registry.getAnnouncement(first)).toEqual({ ...first, landed });

        const second = { ...held(name, 'delete', new Date().toISOString()), generation: created.generation };
        await registry.holdAnnouncement(second);
        if (died === 'long ago') {
          expect(await registry.deleteInstance(name, created, { announcing: second })).toEqual(created);
          // The first did not land: its announcement is released, never to be published.
          expect(await registry.getAnnouncement(first)).toBeUndefined();
          expect(await registry.getAnnouncement(second)).toEqual({ ...second, landed });
          await registry.releaseAnnouncement(second, { landed: true });
          expect(await registry.getInstance(name)).toBeUndefined();
        } else {
          expect(await codeOf(registry.deleteInstance(name, created, { announcing: second }))).toBe('InUse');
          expect(await codeOf(registry.deleteInstance(name))).toBe('InUse');
          expect(await registry.getAnnouncement(first)).toEqual({ ...first, landed });
          expect(await registry.getAnnouncement(second)).toEqual(second);
          expect(await registry.getInstance(name)).toEqual(created);
          // Recovery releases both; the instance is then free to delete.
          await registry.releaseAnnouncement(first);
          await registry.releaseAnnouncement(second);
          expect(await registry.deleteInstance(name)).toEqual(created);
        }
      }
    });

    it('deletes, for an announced delete, only the instance of the generation the announcement names', async () => {
      const created = await registry.createInstance(instance('regenerated'));
      const other = { ...held('regenerated', 'delete', new Date().toISOString()), generation: 'another' };
      await registry.holdAnnouncement(other);
      expect(await codeOf(registry.deleteInstance('regenerated', created, { announcing: other }))).toBe(
        'NotFound',
      );
      expect(await codeOf(registry.deleteInstance('regenerated', undefined, { announcing: other }))).toBe(
        'NotFound',
      );
      expect(await registry.getAnnouncement(other)).toEqual(other);
      expect(await registry.getInstance('regenerated')).toEqual(created);
      await registry.releaseAnnouncement(other);
      // It left no claim: the delete that names the instance's generation goes through.
      const own = { ...other, generation: created.generation };
      await registry.holdAnnouncement(own);
      expect(await registry.deleteInstance('regenerated', created, { announcing: own })).toEqual(created);
      await registry.releaseAnnouncement(own, { landed: true });
    });

    it('lists the announcements held before a time, oldest first, page by page', async () => {
      const times = [
        '2025-03-01T00:00:04.000Z',
        '2025-03-01T00:00:01.000Z',
        '2025-03-01T00:00:03.000Z',
        '2025-03-01T00:00:02.000Z',
      ];
      const all = times.map((time, i) => ({ ...held(`listed-${i}`, 'delete', time), generation: `g${i}` }));
      for (const announcement of all) await registry.holdAnnouncement(announcement);
      const pages = await drain((cursor) =>
        registry.listAnnouncements('2025-03-01T00:00:04.000Z', { limit: 2, cursor }),
      );
      const byTime = [...all].sort((a, b) => a.heldAt.localeCompare(b.heldAt));
      expect(pages.flat()).toEqual(byTime.slice(0, 3));
      expect(pages[0]).toHaveLength(2);
      for (const announcement of all) await registry.releaseAnnouncement(announcement);
      expect((await registry.listAnnouncements('2025-03-02T00:00:00.000Z')).items).toEqual([]);
    });

    it('pages through more instances than one page holds, filtered by plugin', async () => {
      const names = Array.from({ length: 250 }, (_, i) => `page-${String(i).padStart(3, '0')}`);
      for (let i = 0; i < names.length; i += 25) {
        await Promise.all(names.slice(i, i + 25).map((n) => registry.createInstance(instance(n, 'paged'))));
      }
      await registry.createInstance(instance('page-other', 'paged-not'));

      const pages = await drain((cursor) => registry.listInstances({ plugin: 'paged', limit: 100, cursor }));
      expect(pages.map((p) => p.length)).toEqual([100, 100, 50]);
      expect(pages.flat().map((i) => i.name)).toEqual(names);
      expect(pages.flat().every((i) => i.plugin === 'paged')).toBe(true);

      const exact = await drain((cursor) => registry.listInstances({ plugin: 'paged', limit: 125, cursor }));
      expect(exact.map((p) => p.length)).toEqual([125, 125]);

      const all = (await drain((cursor) => registry.listInstances({ limit: 1000, cursor }))).flat();
      expect(all.map((i) => i.name)).toEqual(expect.arrayContaining([...names, 'page-other']));
      expect((await registry.listInstances({ plugin: 'paged-not' })).items.map((i) => i.name)).toEqual([
        'page-other',
      ]);
      expect((await registry.listInstances({ plugin: 'paged' })).items).toHaveLength(100);
    });

    it('rejects a tampered or foreign cursor and a limit out of range', async () => {
      const page = await registry.listInstances({ plugin: 'paged', limit: 2 });
      expect(page.nextCursor).toBeTypeOf('string');
      const cursor = page.nextCursor as string;
      const key = JSON.parse(Buffer.from(cursor, 'base64url').toString());
      const forged = (k: unknown) => Buffer.from(JSON.stringify(k)).toString('base64url');
      for (const bad of [
        'not a cursor',
        `${cursor}x`,
        forged({ ...key, extra: 'x' }),
        forged({ ...key, gsi1pk: 'PLUGINS' }),
        forged({ ...key, pk: 1 }),
        forged([key]),
      ]) {
        expect(await codeOf(registry.listInstances({ plugin: 'paged', cursor: bad }))).toBe('Validation');
      }
      expect(await codeOf(registry.listInstances({ plugin: 'paged-not', cursor }))).toBe('Validation');
      expect(await codeOf(registry.storeList(owner('paged', 'page-000'), { cursor }))).toBe('Validation');
      for (const limit of [0, 1001, 1.5, Number.NaN]) {
        expect(await codeOf(registry.listInstances({ limit }))).toBe('Validation');
      }
    });

    pluginStorageCases(() => registry);

    it("gives each instance of a name a generation of its own, its store's, kept by its updates", async () => {
      const first = await registry.createInstance(instance('reborn'));
      expect(first.generation).toEqual(expect.any(String));
      await registry.storePut(first, 'kept', 'first');
      expect((await registry.updateInstance('reborn', { order: 1 }, first)).generation).toBe(
        first.generation,
      );
      expect(
        await codeOf(
          registry.updateInstance('reborn', { generation: 'mine' } as never, { ...first, version: 2 }),
        ),
      ).toBe('Validation');
      expect(await registry.deleteInstance('reborn')).toMatchObject({ generation: first.generation });

      const second = await registry.createInstance(instance('reborn'));
      expect(second.generation).toEqual(expect.any(String));
      expect(second.generation).not.toBe(first.generation);
      expect(await registry.getInstance('reborn')).toEqual(second);
      expect(await registry.storeGet(second, 'kept')).toBeUndefined();
      // What a call of the first still under way reads is still there.
      expect(await registry.storeGet(first, 'kept')).toMatchObject({ value: 'first' });
    });

    it('refuses an oversized instance before writing it', async () => {
      const big = 'x'.repeat(401 * 1024);
      expect(await codeOf(registry.createInstance(instance('huge', 'kv-config', { options: { big } })))).toBe(
        'PayloadTooLarge',
      );
      expect(await registry.getInstance('huge')).toBeUndefined();
    });

    it('never corrupts an instance, whatever is written to it', async () => {
      const base = await registry.createInstance(instance('property'));
      let expected: InstanceRecord = base;
      const outcomes = new Set<string>();
      const junk = fc.oneof(fc.anything(), fc.constant('x'.repeat(410 * 1024)), fc.constant(Number.NaN));
      /** Mostly valid values, sometimes junk: both kinds must leave the stored record whole. */
      const field = <T>(valid: fc.Arbitrary<T>) =>
        fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: junk as fc.Arbitrary<unknown>, weight: 1 });
      const value = fc.oneof(fc.jsonValue(), junk);
      const changes = fc.record(
        {
          description: field(fc.string({ maxLength: 40 })),
          options: field(
            fc.dictionary(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 3 }), {
              noNullPrototype: true,
            }),
          ),
          context: field(fc.record({ orgSlug: fc.string({ maxLength: 40 }) }, { noNullPrototype: true })),
          order: field(fc.integer({ min: -1000, max: 1000 })),
          credentialsSet: field(fc.array(fc.string({ minLength: 1, maxLength: 20 }), { maxLength: 5 })),
        },
        // JSON never yields objects without a prototype; fast-check does by default, and the registry refuses them.
        { requiredKeys: [], noNullPrototype: true },
      );
      await fc.assert(
        fc.asyncProperty(changes, fc.boolean(), async (change, staleVersion) => {
          const version = staleVersion ? expected.version + 1 : expected.version;
          try {
            expected = await registry.updateInstance('property', change as never, { ...expected, version });
            outcomes.add('written');
          } catch (error) {
            expect(error).toBeInstanceOf(PlugboardError);
            outcomes.add((error as PlugboardError).code);
            expect(['Validation', 'VersionConflict', 'PayloadTooLarge']).toContain(
              (error as PlugboardError).code,
            );
          }
          expect(await registry.getInstance('property')).toEqual(expected);
        }),
        { numRuns: 80 },
      );
      // The property is only worth something if both outcomes happened.
      expect(outcomes).toContain('written');
      expect(outcomes).toContain('Validation');
      expect(expected.version).toBeGreaterThan(1);
      await expect(
        registry.updateInstance('property', { name: 'renamed' } as never, expected),
      ).rejects.toMatchObject({ code: 'Validation' });
      expect(await registry.getInstance('property')).toEqual(expected);
      await fc.assert(
        fc.asyncProperty(
          fc.record({ name: fc.oneof(fc.string(), fc.constant('property')), options: value }),
          async (n) => {
            try {
              const made = await registry.createInstance({ ...instance('x'), ...n } as NewInstance);
              expect(await registry.getInstance(made.name)).toEqual(made);
              await registry.deleteInstance(made.name, made);
            } catch (error) {
              expect(['Validation', 'NameTaken', 'PayloadTooLarge']).toContain(
                (error as PlugboardError).code,
              );
            }
            expect(await registry.getInstance('property')).toEqual(expected);
          },
        ),
        { numRuns: 40 },
      );
    });
  });
}
