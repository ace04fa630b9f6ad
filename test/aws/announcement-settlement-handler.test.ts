import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { platformEvent } from '../../lib/core/platform-events';
import type { AnnouncedWrite, HeldAnnouncement } from '../../lib/core/ports';
import { type DynaliteTable, functionSettings, startDynaliteTable } from '../fixtures/dynalite-table';
import { watchEmf } from '../fixtures/emf-lines';
import { handlerContext } from '../fixtures/handler-context';

const eventBridge = mockClient(EventBridgeClient);
const secretsManager = mockClient(SecretsManagerClient);
const BUS = 'plugboard-test';
const context = handlerContext('announcement-settlement');

/** An announcement held `minutesAgo`, of an event whose detail is what the service would hold. */
const held = (instance: string, write: AnnouncedWrite, minutesAgo: number): HeldAnnouncement => {
  const event = platformEvent(
    { account: '123456789012', region: 'eu-west-1' },
    write === 'create' ? 'Instance Created' : 'Instance Updated',
    { instance, plugin: 'kv', version: write === 'create' ? 1 : 2, options: {} },
  );
  return { event, instance, write, heldAt: new Date(Date.now() - minutesAgo * 60_000).toISOString() };
};

describe('functions/announcement-settlement.ts against dynalite', () => {
  let table: DynaliteTable;
  const saved = { ...process.env };

  beforeAll(async () => {
    table = await startDynaliteTable();
    Object.assign(process.env, functionSettings(table), {
      PLUGBOARD_BUS_NAME: BUS,
      PLUGBOARD_SETTLE_AFTER_SECONDS: '120',
    });
  });
  afterAll(async () => {
    process.env = saved;
    eventBridge.restore();
    secretsManager.restore();
    await table.close();
  });
  beforeEach(() => {
    secretsManager.reset();
    secretsManager.on(DeleteSecretCommand).resolves({});
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-1' }] });
  });

  it('publishes the event of a write that landed, drops one that did not, and leaves one a live write may hold', async () => {
    const { handler } = await import('../../functions/announcement-settlement');
    const landed = held('landed', 'create', 10);
    const unwritten = held('unwritten', 'update', 10);
    const young = held('young', 'create', 0);
    for (const announcement of [landed, unwritten, young])
      await table.registry.holdAnnouncement(announcement);
    const created = await table.registry.createInstance(
      { name: 'landed', plugin: 'kv', options: {}, context: {}, order: 0, credentialsSet: [] },
      { announcing: landed },
    );
    await table.registry.createInstance(
      { name: 'young', plugin: 'kv', options: {}, context: {}, order: 0, credentialsSet: [] },
      { announcing: young },
    );

    expect(await handler({}, context)).toEqual({ published: 1, dropped: 1, kept: 0 });
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input.Entries).toEqual([
      {
        EventBusName: BUS,
        Source: 'plugboard',
        DetailType: 'Instance Created',
        Detail: JSON.stringify({ ...landed.event.detail, createdAt: created.createdAt }),
        Resources: [],
        Time: new Date(landed.event.time),
      },
    ]);
    expect((await table.registry.getAnnouncing('landed'))?.announcing).toEqual([]);
    const left = await table.registry.listAnnouncements('9999');
    expect(left.items.map((announcement) => announcement.instance)).toEqual(['young']);

    // Settled once, nothing is published again.
    expect(await handler({}, context)).toEqual({ published: 0, dropped: 0, kept: 0 });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    await table.registry.releaseAnnouncement(young);
  });

  it('keeps an announcement the bus cannot take now for the next run', async () => {
    const { handler } = await import('../../functions/announcement-settlement');
    const landed = held('retried', 'create', 10);
    await table.registry.holdAnnouncement(landed);
    await table.registry.createInstance(
      { name: 'retried', plugin: 'kv', options: {}, context: {}, order: 0, credentialsSet: [] },
      { announcing: landed },
    );
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'slow down' }],
    });
    const emf = watchEmf();
    try {
      expect(await handler({}, context)).toEqual({ published: 0, dropped: 0, kept: 1 });
      expect((await table.registry.listAnnouncements('9999')).items).toHaveLength(1);

      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'eb-2' }] });
      expect(await handler({}, context)).toEqual({ published: 1, dropped: 0, kept: 0 });
      expect((await table.registry.listAnnouncements('9999')).items).toEqual([]);
    } finally {
      emf.restore();
    }
    // Each run is a point for the alarm on what the bus did not take.
    expect(
      emf.documents().map(({ HeldAnnouncementsPublished, HeldAnnouncementsKept, stage, service }) => ({
        HeldAnnouncementsPublished,
        HeldAnnouncementsKept,
        stage,
        service,
      })),
    ).toEqual([
      { HeldAnnouncementsPublished: 0, HeldAnnouncementsKept: 1, stage: 'test', service: 'plugboard' },
      { HeldAnnouncementsPublished: 1, HeldAnnouncementsKept: 0, stage: 'test', service: 'plugboard' },
    ]);
  });
  it('removes the secret and store a delete that died left, before publishing its event', async () => {
    const { handler } = await import('../../functions/announcement-settlement');
    const created = await table.registry.createInstance({
      name: 'gone',
      plugin: 'kv',
      options: {},
      context: {},
      order: 0,
      credentialsSet: ['apiKey'],
    });
    const owner = { plugin: 'kv', name: 'gone', generation: created.generation };
    await table.registry.storePut(owner, 'config', 'a value');
    const event = platformEvent({ account: '123456789012', region: 'eu-west-1' }, 'Instance Deleted', {
      instance: 'gone',
      plugin: 'kv',
      version: 1,
      options: {},
      createdAt: created.createdAt,
    });
    const heldAt = new Date(Date.now() - 10 * 60_000).toISOString();
    const deleting = {
      event,
      instance: 'gone',
      write: 'delete' as const,
      generation: created.generation,
      heldAt,
    };
    await table.registry.holdAnnouncement(deleting);
    // The delete lands, and its function dies before it removes anything or publishes.
    await table.registry.deleteInstance('gone', undefined, { announcing: deleting });

    expect(await handler({}, context)).toEqual({ published: 1, dropped: 0, kept: 0 });
    expect(secretsManager.commandCalls(DeleteSecretCommand).map((call) => call.args[0].input)).toEqual([
      { SecretId: `plugboard/test/kv/gone/${created.generation}`, ForceDeleteWithoutRecovery: true },
    ]);
    expect((await table.registry.storeList(owner)).items).toEqual([]);
    expect(eventBridge.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries).toMatchObject([
      { DetailType: 'Instance Deleted', Detail: JSON.stringify(event.detail) },
    ]);
  });
});
