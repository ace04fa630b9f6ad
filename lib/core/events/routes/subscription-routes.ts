import * as z from 'zod';
import type { App } from '../../dispatcher/env';
import { createRoute } from '../../dispatcher/route-config';
import { InstanceName, json, jsonBody, PageQuery, problems } from '../../dispatcher/schemas';
import type { EventsServices } from '../events-services';
import { PatternSchema } from './schemas';

/** Exported for the API client's types (plugboard/client). */
export const SubscriptionSchema = z
  .object({
    id: z.string(),
    pattern: PatternSchema,
    instance: z.string(),
    handler: z.string(),
    params: z.record(z.string(), z.unknown()),
    order: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'Subscription' });

export const NewSubscriptionSchema = z
  .strictObject({
    pattern: PatternSchema,
    instance: InstanceName,
    handler: z
      .string()
      .max(100)
      .meta({ description: '"events", "lifecycle:<hook>" or "action:<name>"', example: 'events' }),
    params: z.record(z.string(), z.unknown()).optional().meta({ description: 'Action params' }),
    order: z.number().int().min(-1_000_000).max(1_000_000).optional(),
  })
  .meta({ id: 'NewSubscription' });

const byId = {
  params: z.object({
    id: z.string().min(1).max(256),
  }),
};

const create = createRoute({
  method: 'post',
  path: '/v1/subscriptions',
  summary: 'Subscribe an instance to the events an EventBridge pattern matches',
  description:
    'Matching events are delivered at least once, lower `order` first, with retries and then the dead-letter queue. Handlers get the idempotency key `<event id>:<subscription id>`.',
  request: { body: jsonBody(NewSubscriptionSchema) },
  responses: {
    201: {
      ...json(SubscriptionSchema, 'Created'),
      headers: { Location: { description: 'Where the subscription is read', schema: { type: 'string' } } },
    },
    ...problems(404, 413, 415),
  },
});
const list = createRoute({
  method: 'get',
  path: '/v1/subscriptions',
  summary: 'Subscriptions, a page at a time',
  request: { query: z.object(PageQuery) },
  responses: {
    200: json(
      z.object({ subscriptions: z.array(SubscriptionSchema), nextCursor: z.string().optional() }),
      'A page',
    ),
    ...problems(),
  },
});
const get = createRoute({
  method: 'get',
  path: '/v1/subscriptions/{id}',
  summary: 'A subscription',
  request: byId,
  responses: { 200: json(SubscriptionSchema, 'The subscription'), ...problems(404) },
});
const remove = createRoute({
  method: 'delete',
  path: '/v1/subscriptions/{id}',
  summary: 'Delete a subscription',
  request: byId,
  responses: { 204: { description: 'Deleted' }, ...problems(404) },
});

export function subscriptionRoutes({ subscriptions }: EventsServices) {
  return (app: App): void => {
    app.openapi(create, async (c) => {
      const subscription = await subscriptions.create(c.req.valid('json'));
      c.header('location', `/v1/subscriptions/${subscription.id}`);
      return c.json(subscription, 201);
    });
    app.openapi(list, async (c) => {
      const page = await subscriptions.list(c.req.valid('query'));
      return c.json(
        { subscriptions: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
        200,
      );
    });
    app.openapi(get, async (c) => c.json(await subscriptions.get(c.req.valid('param').id), 200));
    app.openapi(remove, async (c) => {
      await subscriptions.delete(c.req.valid('param').id);
      return c.body(null, 204);
    });
  };
}
