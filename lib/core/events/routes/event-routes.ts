import * as z from 'zod';
import { isoTime } from '../../../sdk/contracts';
import type { App, RouteContext } from '../../dispatcher/env';
import { createRoute } from '../../dispatcher/route-config';
import { json, jsonBody, PageQuery, problems } from '../../dispatcher/schemas';
import { callerEvents } from '../caller-events';
import type { EventsServices } from '../events-services';
import { testEventPattern } from '../pattern';
import { EventSchema, ordered, PatternSchema, TimeRangeQuery, timeRange } from './schemas';

const PutEventsSchema = z
  .strictObject({
    Entries: z
      .array(
        z.strictObject({
          Source: z.string().min(1).max(256),
          DetailType: z.string().min(1).max(128),
          // As PutEvents has it; an object sent as it is (the shape the log and subscribers show) is
          // the likeliest mistake, so the refusal says what to send instead.
          Detail: z.string({
            error: (issue) =>
              issue.input === undefined
                ? undefined
                : 'must be a string: the detail object as JSON text (JSON.stringify it), as PutEvents takes it',
          }),
          Resources: z.array(z.string().max(2048)).max(100).optional(),
          Time: isoTime.optional(),
        }),
      )
      .min(1)
      .max(10),
  })
  .meta({ id: 'PutEvents' });

const publish = createRoute({
  method: 'post',
  path: '/v1/events',
  summary: 'Publish events (scope "publish")',
  description: [
    'The body is EventBridge\'s PutEvents request: `{ "Entries": [{ "Source", "DetailType",',
    '"Detail" (a JSON object written as a string), "Resources"?, "Time"? }] }`, 1 to 10 entries.',
    'Sources starting with `plugboard` belong to the platform and its plugins and are refused (400).',
    'An entry is at most 256 KB counted as EventBridge counts it (the UTF-8 bytes of Source, DetailType, the Detail as compact JSON and each of Resources, plus 14 for the Time every event has); a larger one is refused (400) at its `/Entries/<i>`.',
    'Every event is on the bus before the answer (locally: in the event log); delivery to subscriptions follows asynchronously.',
    "The ids are those the events are delivered and logged under (on AWS, EventBridge's).",
  ].join(' '),
  request: { body: jsonBody(PutEventsSchema) },
  responses: {
    200: json(
      z.object({ Entries: z.array(z.object({ EventId: z.string() })), FailedEntryCount: z.literal(0) }),
      'Published; the ids of the events, in order',
    ),
    ...problems(413, 415),
  },
});

const testPattern = createRoute({
  method: 'post',
  path: '/v1/events/test-pattern',
  summary: "Whether an event matches an event pattern, like EventBridge's TestEventPattern",
  request: { body: jsonBody(z.strictObject({ pattern: PatternSchema, event: z.unknown() })) },
  responses: { 200: json(z.object({ result: z.boolean() }), 'The match'), ...problems(413, 415) },
});

const log = createRoute({
  method: 'get',
  path: '/v1/events/log',
  summary: 'Logged events of a time range, oldest first, a page at a time',
  request: { query: ordered(z.object({ ...TimeRangeQuery, ...PageQuery })) },
  responses: {
    200: json(z.object({ events: z.array(EventSchema), nextCursor: z.string().optional() }), 'A page'),
    ...problems(),
  },
});

const replay = createRoute({
  method: 'post',
  path: '/v1/events/replay',
  summary: 'Deliver a time range of the log again to one subscription (events its pattern matches)',
  request: {
    body: jsonBody(
      ordered(
        z.strictObject({
          subscriptionId: z.string().min(1).max(256),
          from: isoTime,
          to: isoTime,
        }),
      ),
    ),
  },
  responses: {
    202: json(z.object({ replaying: z.number().int() }), 'Delivery started'),
    ...problems(404, 413, 415),
  },
});

export function eventRoutes(events: EventsServices) {
  return (app: App, { deps }: RouteContext): void => {
    app.openapi(publish, async (c) => {
      const ids = await events.bus.publish(callerEvents(c.req.valid('json').Entries, deps.origin));
      return c.json({ Entries: ids.map((id) => ({ EventId: id })), FailedEntryCount: 0 as const }, 200);
    });
    app.openapi(testPattern, (c) => {
      const { pattern, event } = c.req.valid('json');
      return c.json({ result: testEventPattern(pattern, event) }, 200);
    });
    app.openapi(log, async (c) => {
      const query = c.req.valid('query');
      const page = await events.store.listEvents(timeRange(query), query);
      return c.json({ events: page.items, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) }, 200);
    });
    app.openapi(replay, async (c) => {
      const { subscriptionId, from, to } = c.req.valid('json');
      return c.json({ replaying: await events.router.replay(subscriptionId, { from, to }) }, 202);
    });
  };
}
