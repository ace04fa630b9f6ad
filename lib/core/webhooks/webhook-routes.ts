import * as z from 'zod';
import type { App } from '../dispatcher/env';
import { createRoute } from '../dispatcher/route-config';
import { json, jsonBody, PageQuery, problems } from '../dispatcher/schemas';
import type { EventStore } from '../ports';
import type { WebhookService } from './webhook-service';

const SourceName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'a source name is a-z, 0-9 and "-", starting with a letter');
const bySource = { params: z.object({ source: SourceName }) };

/** The schemas below are exported for the API client's types (plugboard/client). */
export const WebhookSourceSchema = z
  .object({
    name: z.string(),
    signatureHeader: z.string(),
    signatureScheme: z.literal('sha256'),
    deliveryIdHeader: z.string(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookSource' });
export const WebhookRuleSchema = z
  .object({
    id: z.string(),
    source: z.string(),
    filter: z.record(z.string(), z.unknown()),
    identifierSelector: z.string().optional(),
    handler: z.string(),
    actionConfig: z.record(z.string(), z.unknown()),
    order: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'WebhookRule' });
export const WebhookDeliverySchema = z
  .object({
    source: z.string(),
    deliveryId: z.string(),
    receivedAt: z.string(),
    headers: z.record(z.string(), z.string()),
    payload: z.unknown(),
    status: z.enum(['received', 'processed']),
    outcomes: z.array(
      z.object({
        rule: z.string(),
        instance: z.string(),
        outcome: z.enum(['succeeded', 'failed', 'skipped']),
        reason: z.string().optional(),
      }),
    ),
  })
  .meta({ id: 'WebhookDelivery' });

const header = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9-]+$/, 'an HTTP header name');

export const NewWebhookSourceSchema = z.strictObject({
  secret: z.string().min(16).max(1000),
  signatureHeader: header.optional().meta({ description: '@default x-hub-signature-256' }),
  deliveryIdHeader: header.optional().meta({ description: '@default x-delivery-id' }),
});
export const NewWebhookRuleSchema = z.strictObject({
  filter: z.record(z.string(), z.unknown()).optional(),
  identifierSelector: z.string().max(500).optional(),
  handler: z.string().min(3).max(130),
  actionConfig: z.record(z.string(), z.unknown()).optional(),
  order: z.number().int().min(-1_000_000).max(1_000_000).optional(),
});

const putSource = createRoute({
  method: 'put',
  path: '/v1/webhook-sources/{source}',
  summary: 'Create or replace a webhook source; the HMAC secret is write-only',
  request: {
    ...bySource,
    body: jsonBody(NewWebhookSourceSchema),
  },
  responses: {
    201: {
      ...json(WebhookSourceSchema, 'Created (never the secret)'),
      headers: { Location: { description: 'Where the source is read', schema: { type: 'string' } } },
    },
    200: json(WebhookSourceSchema, 'Replaced (never the secret)'),
    ...problems(413, 415),
  },
});
const listSources = createRoute({
  method: 'get',
  path: '/v1/webhook-sources',
  summary: 'Webhook sources',
  responses: {
    200: json(z.object({ sources: z.array(WebhookSourceSchema) }), 'Every source'),
    ...problems(),
  },
});
const getSource = createRoute({
  method: 'get',
  path: '/v1/webhook-sources/{source}',
  summary: 'A webhook source (never its secret)',
  request: bySource,
  responses: { 200: json(WebhookSourceSchema, 'The source'), ...problems(404) },
});
const deleteSource = createRoute({
  method: 'delete',
  path: '/v1/webhook-sources/{source}',
  summary: 'Delete a webhook source, its rules and its secret',
  request: bySource,
  responses: { 204: { description: 'Deleted' }, ...problems(404) },
});
const addRule = createRoute({
  method: 'post',
  path: '/v1/webhook-sources/{source}/rules',
  summary: 'Add a rule: a filter over { headers, payload }, a handler slug#action and its actionConfig',
  request: {
    ...bySource,
    body: jsonBody(NewWebhookRuleSchema),
  },
  responses: { 201: json(WebhookRuleSchema, 'Created'), ...problems(404, 413, 415) },
});
const listRules = createRoute({
  method: 'get',
  path: '/v1/webhook-sources/{source}/rules',
  summary: "A source's rules, in order",
  request: bySource,
  responses: { 200: json(z.object({ rules: z.array(WebhookRuleSchema) }), 'The rules'), ...problems(404) },
});
const deleteRule = createRoute({
  method: 'delete',
  path: '/v1/webhook-sources/{source}/rules/{id}',
  summary: 'Delete a rule',
  request: {
    params: z.object({
      source: SourceName,
      id: z.string().min(1).max(100),
    }),
  },
  responses: { 204: { description: 'Deleted' }, ...problems(404) },
});
const receive = createRoute({
  method: 'post',
  path: '/v1/webhooks/{source}',
  summary: 'Receive a webhook: HMAC-verified (no bearer token), answered at once, processed on the bus',
  description:
    'The signature header holds `sha256=<hex>` of the HMAC-SHA256 of the raw body. A bad signature answers 401 and records nothing. A delivery id seen before answers 200 `duplicate` and is not processed again.',
  security: [],
  request: {
    ...bySource,
    rawBody: {
      description:
        "The payload as the sender signed it, of any media type (JSON, form-encoded, text, ...): no Content-Type is refused, and the bytes are kept as sent for the signature. A body that is JSON is the delivery's `payload` as JSON, any other its UTF-8 text.",
      content: { '*/*': {} },
    },
  },
  responses: {
    202: json(
      z.object({ status: z.literal('accepted'), deliveryId: z.string() }),
      'Recorded; processing follows',
    ),
    200: json(z.object({ status: z.literal('duplicate'), deliveryId: z.string() }), 'Already received'),
    ...problems(413),
  },
});
const deliveries = createRoute({
  method: 'get',
  path: '/v1/webhooks/{source}/deliveries',
  summary: 'Deliveries of a source, newest first, with each rule-and-instance outcome',
  description:
    'A delivery still `received` (being processed, or whose processing stopped partway and will run again) lists the outcomes of the actions that have ended so far.',
  request: {
    ...bySource,
    query: z.object(PageQuery),
  },
  responses: {
    200: json(
      z.object({ deliveries: z.array(WebhookDeliverySchema), nextCursor: z.string().optional() }),
      'A page',
    ),
    ...problems(404),
  },
});

export function webhookRoutes(webhooks: WebhookService, store: EventStore) {
  return (app: App): void => {
    app.openapi(putSource, async (c) => {
      const { source, created } = await webhooks.putSource({
        name: c.req.valid('param').source,
        ...c.req.valid('json'),
      });
      if (!created) return c.json(source, 200);
      c.header('location', `/v1/webhook-sources/${source.name}`);
      return c.json(source, 201);
    });
    app.openapi(listSources, async (c) => c.json({ sources: await store.listWebhookSources() }, 200));
    app.openapi(getSource, async (c) => c.json(await webhooks.source(c.req.valid('param').source), 200));
    app.openapi(deleteSource, async (c) => {
      await webhooks.deleteSource(c.req.valid('param').source);
      return c.body(null, 204);
    });
    app.openapi(addRule, async (c) =>
      c.json(await webhooks.addRule(c.req.valid('param').source, c.req.valid('json')), 201),
    );
    app.openapi(listRules, async (c) => {
      const { source } = c.req.valid('param');
      await webhooks.source(source);
      const rules = (await store.listWebhookRules(source)).sort(
        (a, b) => a.order - b.order || a.createdAt.localeCompare(b.createdAt),
      );
      return c.json({ rules }, 200);
    });
    app.openapi(deleteRule, async (c) => {
      const { source, id } = c.req.valid('param');
      await webhooks.deleteRule(source, id);
      return c.body(null, 204);
    });
    app.openapi(receive, async (c) => {
      const body = new Uint8Array(await c.req.arrayBuffer());
      const outcome = await webhooks.receive(c.req.valid('param').source, c.req.header(), body);
      return outcome.status === 'accepted'
        ? c.json({ status: 'accepted' as const, deliveryId: outcome.deliveryId }, 202)
        : c.json({ status: 'duplicate' as const, deliveryId: outcome.deliveryId }, 200);
    });
    app.openapi(deliveries, async (c) => {
      const page = await webhooks.deliveries(c.req.valid('param').source, c.req.valid('query'));
      return c.json(
        { deliveries: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
        200,
      );
    });
  };
}
