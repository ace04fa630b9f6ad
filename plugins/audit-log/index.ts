import { definePlugin, type PluginContext, UnavailableError } from 'plugboard/sdk';

/** What was seen is stored one entry per key under these prefixes of the instance's store. */
const EVENT = 'event/';
const WEBHOOK = 'webhook/';
const LIFECYCLE = 'lifecycle/';

async function entries(ctx: PluginContext, prefix: string): Promise<unknown[]> {
  const items: unknown[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.store.list({ prefix, limit: 500, cursor });
    items.push(...page.items.map((item) => item.value));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return items;
}

export default definePlugin({
  manifest: {
    slug: 'audit-log',
    name: 'Audit log',
    version: '1.0.0',
    description:
      'Records the events it is subscribed to, the webhooks routed to it and its own lifecycle: the events example.',
    apiVersion: 1,
    types: ['lifecycle', 'webhook'],
    options: [
      {
        name: 'reject',
        label: 'Refuse every event (to see retries and the dead-letter queue)',
        type: 'boolean',
        default: false,
      },
    ],
    actions: [
      { name: 'seen', label: 'Everything recorded: events, webhooks, lifecycle' },
      {
        name: 'note',
        label: 'Record a note (a target for action subscriptions)',
        requiredParams: [{ name: 'text', label: 'Text', type: 'string' }],
      },
    ],
    webhookActions: [
      {
        name: 'record',
        label: 'Record a webhook delivery',
        configSchema: {
          type: 'object',
          properties: { label: { type: 'string', minLength: 1 } },
          required: ['label'],
          additionalProperties: false,
          // What a rule's actionConfig looks like; the conformance kit calls the action with it.
          examples: [{ label: 'pushes' }],
        },
      },
    ],
    docs: {
      overview: { summary: 'Subscribe an instance to any pattern; `seen` shows what arrived.', order: 1 },
    },
  },
  // Keyed by the idempotency key, so a redelivered event is recorded once.
  async events(ctx, delivery) {
    if (ctx.options.reject) throw new UnavailableError('audit-log is set to reject events');
    const { event, idempotencyKey, attempt } = delivery;
    await ctx.store.put(EVENT + idempotencyKey, {
      id: event.id,
      source: event.source,
      detailType: event['detail-type'],
      detail: event.detail,
      attempt,
      // Sub-millisecond and monotonic in this worker: shows the order deliveries arrived in.
      at: performance.timeOrigin + performance.now(),
    });
  },
  lifecycle: {
    async onInstanceCreated(ctx, detail) {
      await ctx.store.put(`${LIFECYCLE}created`, detail);
    },
    async onInstanceUpdated(ctx, detail) {
      await ctx.store.put(`${LIFECYCLE}updated/${String(detail.version)}`, detail);
    },
  },
  webhook: {
    async record(ctx, call) {
      await ctx.store.put(WEBHOOK + call.deliveryId, {
        label: call.actionConfig.label,
        externalIdentifier: call.externalIdentifier,
        payload: call.payload,
      });
      return { recorded: call.deliveryId };
    },
  },
  actions: {
    async seen(ctx) {
      return {
        events: await entries(ctx, EVENT),
        webhooks: await entries(ctx, WEBHOOK),
        lifecycle: await entries(ctx, LIFECYCLE),
      };
    },
    async note(ctx, params) {
      await ctx.store.put(`${EVENT}note/${ctx.requestId}`, { note: params.text });
      return { noted: params.text };
    },
  },
});
