import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbEventStore } from '../../lib/aws/dynamodb-event-store';
import { readEnvironment } from '../../lib/aws/environment';
import { awsEventsProps } from '../../lib/aws/events-props';
import { PLATFORM_METRICS } from '../../lib/aws/metric-names';
import { deadLetterCounter, platformMetrics, publishSettlement } from '../../lib/aws/platform-metrics';
import { platformEvent } from '../../lib/core/platform-events';
import type { DeadLetter } from '../../lib/core/ports';
import { type DynaliteTable, functionSettings, startDynaliteTable } from '../fixtures/dynalite-table';
import { type EmfDocument, watchEmf } from '../fixtures/emf-lines';

const letter = (id: string): DeadLetter => {
  const event = platformEvent({ account: '123456789012', region: 'eu-west-1' }, 'Instance Created', {
    instance: 'orders',
    plugin: 'kv',
    version: 1,
    options: {},
  });
  return { id, event, target: 'lifecycle', attempts: 3, reason: 'the hook failed', failedAt: event.time };
};

/** What CloudWatch makes of a document: each metric's namespace, dimensions and value. */
const metricsOf = (document: EmfDocument) =>
  document._aws.CloudWatchMetrics.flatMap(({ Namespace, Dimensions, Metrics }) =>
    Metrics.map(({ Name, Unit }) => ({
      namespace: Namespace,
      name: Name,
      unit: Unit,
      value: document[Name],
      dimensions: Object.fromEntries(Dimensions.flat().map((name) => [name, document[name]])),
    })),
  );

describe('the platform metrics, as the functions write them', () => {
  let table: DynaliteTable;
  let emf: ReturnType<typeof watchEmf>;

  beforeEach(async () => {
    table = await startDynaliteTable();
    emf = watchEmf();
  });
  afterEach(async () => {
    emf.restore();
    await table.close();
  });

  it('counts each dead letter the registry took, in the namespace and dimensions the alarm watches', async () => {
    const store = new DynamoDbEventStore({
      client: table.client,
      tableName: table.tableName,
      onDeadLetter: deadLetterCounter(platformMetrics('prod')),
    });
    await store.putDeadLetter(letter('e1:lifecycle'));
    await store.putDeadLetter(letter('e2:lifecycle'));

    const documents = emf.documents();
    expect(documents.flatMap(metricsOf)).toEqual(
      [1, 2].map(() => ({
        namespace: 'Plugboard',
        name: 'DeadLetters',
        unit: 'Count',
        value: 1,
        dimensions: { service: 'plugboard', stage: 'prod' },
      })),
    );
    // The letter's id rides along, to find it from the metric's log line.
    expect(documents.map((document) => document.deadLetter)).toEqual(['e1:lifecycle', 'e2:lifecycle']);
    expect((await store.listDeadLetters()).items).toHaveLength(2);
  });

  it('counts nothing for a letter the registry refused', async () => {
    const store = new DynamoDbEventStore({
      client: table.client,
      tableName: table.tableName,
      onDeadLetter: deadLetterCounter(platformMetrics('prod')),
    });
    await expect(store.putDeadLetter(letter(''))).rejects.toMatchObject({ code: 'Validation' });
    expect(emf.documents()).toEqual([]);
  });

  it("counts the letters of the events platform's store, as the dispatcher and the delivery function make it", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, functionSettings(table), { PLUGBOARD_BUS_NAME: 'bus' });
    try {
      const { store } = awsEventsProps(readEnvironment());
      await store.putDeadLetter(letter('e3:publish'));
    } finally {
      process.env = saved;
    }
    expect(emf.documents().flatMap(metricsOf)).toMatchObject([
      { name: PLATFORM_METRICS.deadLetters, value: 1, dimensions: { service: 'plugboard', stage: 'test' } },
    ]);
  });

  it("publishes a settlement run's published and kept counts, zeros included", () => {
    const metrics = platformMetrics('prod');
    publishSettlement(metrics, { published: 2, dropped: 5, kept: 0 });
    publishSettlement(metrics, { published: 0, dropped: 0, kept: 1 });
    const runs = emf
      .documents()
      .map((document) => Object.fromEntries(metricsOf(document).map(({ name, value }) => [name, value])));
    expect(runs).toEqual([
      { HeldAnnouncementsPublished: 2, HeldAnnouncementsKept: 0 },
      { HeldAnnouncementsPublished: 0, HeldAnnouncementsKept: 1 },
    ]);
  });
});
