import * as z from 'zod';
import type { App } from '../../dispatcher/env';
import { createRoute } from '../../dispatcher/route-config';
import { json, PageQuery, problems } from '../../dispatcher/schemas';
import { DEAD_LETTER_ID, noDeadLetter, notDeadLetterId } from '../dead-letter-id';
import type { EventsServices } from '../events-services';
import { EventSchema } from './schemas';

/** A letter's id as a route takes it: one the store could never hold is a 400 naming it, not a 404. */
const DeadLetterId = z
  .string()
  .regex(DEAD_LETTER_ID, { error: (issue) => notDeadLetterId(String(issue.input)) });

const DeadLetterSchema = z
  .object({
    id: z.string().meta({ description: '`<event id>:<target>`' }),
    event: EventSchema,
    target: z.string().meta({
      description:
        'A subscription id, a built-in reaction (lifecycle, webhooks), or publish: an event the bus refused after its write',
    }),
    attempts: z.number().int(),
    reason: z.string(),
    failedAt: z.string(),
  })
  .meta({ id: 'DeadLetter' });

const list = createRoute({
  method: 'get',
  path: '/v1/dlq',
  summary: 'Deliveries that failed every retry, oldest first, with the reason',
  request: { query: z.object(PageQuery) },
  responses: {
    200: json(
      z.object({ deadLetters: z.array(DeadLetterSchema), nextCursor: z.string().optional() }),
      'A page',
    ),
    ...problems(),
  },
});
const redrive = createRoute({
  method: 'post',
  path: '/v1/dlq/redrive',
  summary:
    'Deliver dead letters again (all, or the ids given); each leaves the queue once delivered. A letter whose target is gone is not delivered and is named with the reason: dropped if its subscription was deleted, kept otherwise (`DELETE /v1/dlq/{id}` removes it)',
  request: {
    body: {
      required: false,
      content: {
        'application/json': {
          schema: z.strictObject({ ids: z.array(DeadLetterId).max(1000).optional() }),
        },
      },
    },
  },
  responses: {
    202: json(
      z.object({
        redriving: z.number().int(),
        notRedriven: z.array(z.object({ id: z.string(), reason: z.string() })).meta({
          description: 'The letters whose target is gone, each with the reason',
        }),
      }),
      'Delivery started',
    ),
    ...problems(404, 413, 415),
  },
});
const remove = createRoute({
  method: 'delete',
  path: '/v1/dlq/{id}',
  summary:
    'Remove a dead letter without delivering it: an event no one wants delivered again. A redrive delivering it meanwhile does not write it back should it fail again',
  request: {
    params: z.object({
      id: DeadLetterId.meta({
        description: '`<event id>:<target>`, its `:` as it is or as `%3A`',
        example: '6f1c2b1e-6f0b-4a8e-9d3c-2a7e1c9b8f10:lifecycle',
      }),
    }),
  },
  responses: { 204: { description: 'Removed' }, ...problems(404) },
});

export function dlqRoutes({ store, router }: EventsServices) {
  return (app: App): void => {
    app.openapi(list, async (c) => {
      const page = await store.listDeadLetters(c.req.valid('query'));
      return c.json(
        { deadLetters: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) },
        200,
      );
    });
    app.openapi(redrive, async (c) => {
      const body = c.req.valid('json') ?? {};
      return c.json(await router.redrive(body.ids), 202);
    });
    app.openapi(remove, async (c) => {
      const { id } = c.req.valid('param');
      if (!(await store.deleteDeadLetter(id))) throw noDeadLetter(id);
      return c.body(null, 204);
    });
  };
}
