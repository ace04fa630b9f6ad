import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatcherDeps } from '../../../lib/core/dispatcher/deps';
import { InstanceService } from '../../../lib/core/instances/instance-service';
import type { InvocationService } from '../../../lib/core/invocation/invocation-service';
import { platformEvent } from '../../../lib/core/platform-events';
import { WebhookService } from '../../../lib/core/webhooks/webhook-service';
import { webhookTarget } from '../../../lib/core/webhooks/webhook-target';
import { PlugboardError } from '../../../lib/sdk/errors';
import { ManifestSchema } from '../../../lib/sdk/manifest';
import { type DynaliteTable, startDynaliteTable } from '../../fixtures/dynalite-table';

type Step = 'succeed' | 'fail' | 'die' | 'unavailable';

/**
 * A webhook delivery whose process dies partway through its actions (a Lambda timeout, a SIGKILL)
 * is run again from its event: the actions that already ran are not run a second time.
 */
describe('a webhook delivery run again after its process died partway', () => {
  let table: DynaliteTable;
  let seq = 0;

  beforeAll(async () => {
    table = await startDynaliteTable();
    await table.registry.putPlugin({
      slug: 'p',
      manifest: ManifestSchema.parse({ slug: 'p', name: 'P', version: '1.0.0', apiVersion: 1 }),
      status: 'loaded',
      updatedAt: new Date().toISOString(),
    });
    for (const [order, name] of ['a', 'b'].entries())
      await table.registry.createInstance({
        name,
        plugin: 'p',
        options: {},
        context: {},
        order,
        credentialsSet: [],
      });
  });
  afterAll(() => table?.close());

  /**
   * Delivers the source's delivery with actions that do what `steps` says, by `<rule>/<instance>`
   * (succeed when not named); a process that dies runs nothing more, so its delivery never ends.
   */
  const deliverWith = (source: string, deliveryId: string, ran: string[], steps: Record<string, Step>) => {
    let died!: () => void;
    const dead = new Promise<'died'>((resolve) => {
      died = () => resolve('died');
    });
    const invocations: Pick<InvocationService, 'run'> = {
      run: async (call, kind, name, input) => {
        const at = `${(input as { actionConfig: { rule: string } }).actionConfig.rule}/${call.instance.name}`;
        expect([kind, name]).toEqual(['webhook', 'act']);
        ran.push(at);
        if (steps[at] === 'die') {
          died();
          return new Promise<never>(() => undefined);
        }
        if (steps[at] === 'fail') throw new PlugboardError('PluginFailed', `${at} failed`);
        if (steps[at] === 'unavailable') throw new PlugboardError('Unavailable', `${at} is at its limit`);
        return {};
      },
    };
    const target = webhookTarget(table.eventStore, table.registry, invocations);
    const event = platformEvent({ account: '000000000000', region: 'local' }, 'Webhook Received', {
      source,
      deliveryId,
    });
    const done = target
      .deliver({ event, idempotencyKey: `${event.id}:webhooks`, attempt: 1 })
      .then(() => 'done');
    return Promise.race([done, dead]);
  };

  /** A source with rules r1 then r2, each running `p#act` on instances a then b, and one delivery of it. */
  async function received(
    source = `gh-${seq++}`,
    deliveryId = `d#${seq}`,
  ): Promise<{ source: string; deliveryId: string }> {
    const createdAt = '2026-01-01T00:00:00.000Z';
    await table.eventStore.putWebhookSource({
      name: source,
      signatureHeader: 'x-sig',
      signatureScheme: 'sha256',
      deliveryIdHeader: 'x-id',
      createdAt,
    });
    for (const [order, rule] of ['r1', 'r2'].entries())
      await table.eventStore.putWebhookRule({
        id: rule,
        source,
        filter: {},
        handler: 'p#act',
        actionConfig: { rule },
        order,
        createdAt,
      });
    await table.eventStore.recordWebhookDelivery({
      source,
      deliveryId,
      receivedAt: createdAt,
      headers: {},
      payload: { n: 1 },
      status: 'received',
      outcomes: [],
    });
    return { source, deliveryId };
  }

  /** The webhook service over the same store, for what an operator does and reads. */
  const webhookService = () => {
    const deps: DispatcherDeps = {
      registry: table.registry,
      credentials: {
        put: async () => undefined,
        delete: async () => undefined,
      },
      invoker: { invoke: () => Promise.reject(new Error('no plugin is called here')) },
      bus: { publish: async (events) => events.map((event) => event.id) },
      authenticate: async () => undefined,
      stage: 'test',
      origin: { account: '000000000000', region: 'local' },
    };
    const noSecrets = { resolve: async () => undefined };
    return new WebhookService(deps, table.eventStore, noSecrets, new InstanceService(deps));
  };

  const EVERY_ACTION = ['r1/a', 'r1/b', 'r2/a', 'r2/b'];

  it('runs every action of a delivery whose id a deleted source had, once the source is made again', async () => {
    const { source, deliveryId } = await received();
    expect(await deliverWith(source, deliveryId, [], { 'r2/a': 'die' })).toBe('died');
    await webhookService().deleteSource(source);
    expect(await table.eventStore.listWebhookOutcomes(source, deliveryId)).toEqual([]);
    await received(source, deliveryId);
    const ran: string[] = [];
    expect(await deliverWith(source, deliveryId, ran, {})).toBe('done');
    expect(ran).toEqual(EVERY_ACTION);
  });

  it.each(EVERY_ACTION)(
    'runs, when the process died in %s, that action and the ones after it, never one before',
    async (dying) => {
      const { source, deliveryId } = await received();
      const first: string[] = [];
      expect(
        await deliverWith(source, deliveryId, first, {
          [dying]: 'die',
          'r1/a': dying === 'r1/a' ? 'die' : 'fail',
        }),
      ).toBe('died');
      expect(first).toEqual(EVERY_ACTION.slice(0, EVERY_ACTION.indexOf(dying) + 1));
      // Until it runs again, its listing shows how far it got.
      const [listed] = (await webhookService().deliveries(source, {})).items;
      expect(listed).toMatchObject({ deliveryId, status: 'received' });
      expect(listed?.outcomes.map(({ rule, instance }) => `${rule}/${instance}`).sort()).toEqual(
        EVERY_ACTION.slice(0, EVERY_ACTION.indexOf(dying)),
      );

      const again: string[] = [];
      expect(await deliverWith(source, deliveryId, again, {})).toBe('done');
      expect(again).toEqual(EVERY_ACTION.slice(EVERY_ACTION.indexOf(dying)));
      const delivery = await table.eventStore.getWebhookDelivery(source, deliveryId);
      // Every outcome is in the record, in order; the one that failed before the death is kept as it was.
      expect(delivery).toMatchObject({ status: 'processed' });
      expect(
        delivery?.outcomes.map(({ rule, instance, outcome }) => `${rule}/${instance} ${outcome}`),
      ).toEqual(
        EVERY_ACTION.map((at) => `${at} ${at === 'r1/a' && dying !== 'r1/a' ? 'failed' : 'succeeded'}`),
      );
      expect(await table.eventStore.listWebhookOutcomes(source, deliveryId)).toEqual([]);

      // Processed, it runs nothing more.
      const third: string[] = [];
      expect(await deliverWith(source, deliveryId, third, {})).toBe('done');
      expect(third).toEqual([]);
    },
  );
  it('fails the delivery for an action that could not run now, after the others, and runs only that one again', async () => {
    const { source, deliveryId } = await received();
    const first: string[] = [];
    await expect(
      deliverWith(source, deliveryId, first, { 'r1/b': 'unavailable', 'r2/a': 'fail' }),
    ).rejects.toMatchObject({
      code: 'Unavailable',
      message:
        '1 webhook action(s) could not run now and run again: rule r1 on b: Unavailable: r1/b is at its limit',
    });
    expect(first).toEqual(EVERY_ACTION);
    // The bus tries it again (its retries, then the dead-letter queue and a redrive).
    const again: string[] = [];
    expect(await deliverWith(source, deliveryId, again, {})).toBe('done');
    expect(again).toEqual(['r1/b']);
    const delivery = await table.eventStore.getWebhookDelivery(source, deliveryId);
    expect(delivery?.outcomes.map(({ rule, instance, outcome }) => `${rule}/${instance} ${outcome}`)).toEqual(
      ['r1/a succeeded', 'r1/b succeeded', 'r2/a failed', 'r2/b succeeded'],
    );
  });
});
