import * as z from 'zod';
import type { App } from '../dispatcher/env';
import { createRoute } from '../dispatcher/route-config';
import { InstanceName, json, jsonBody, problems } from '../dispatcher/schemas';
import type { GuardService } from './guard-service';

/** Exported for the API client's types (plugboard/client). */
export const GuardSchema = z
  .object({
    id: z.string(),
    role: z.enum(['authorizer', 'preHook']),
    instance: z.string(),
    plugins: z.array(z.string()),
    order: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'Guard' });

export const NewGuardSchema = z.strictObject({
  instance: InstanceName,
  role: z.enum(['authorizer', 'preHook']),
  plugins: z.array(z.string().min(1).max(64)).max(100).optional(),
  order: z.number().int().min(-1_000_000).max(1_000_000).optional(),
});

const attach = createRoute({
  method: 'post',
  path: '/v1/guards',
  summary: 'Attach an instance as an authorizer or a pre-hook of operations and actions',
  description:
    'Before an operation or action on a plugin in `plugins` (every plugin when empty), all attached authorizers must allow (else 403), then pre-hooks run in `order` (default: the instance order) and any veto stops the call (424). Re-attaching replaces. The instance`s plugin must have the matching handler; a guard that fails counts as a deny.',
  request: {
    body: jsonBody(NewGuardSchema),
  },
  responses: {
    201: json(GuardSchema, 'Attached'),
    200: json(GuardSchema, 'Attached again in the same role: replaced'),
    ...problems(404, 413, 415),
  },
});
const list = createRoute({
  method: 'get',
  path: '/v1/guards',
  summary: 'Attached authorizers and pre-hooks, in the order they run',
  responses: { 200: json(z.object({ guards: z.array(GuardSchema) }), 'The guards'), ...problems() },
});
const detach = createRoute({
  method: 'delete',
  path: '/v1/guards/{id}',
  summary: 'Detach a guard (`<role>:<instance>`)',
  request: {
    params: z.object({
      id: z.string().min(1).max(200),
    }),
  },
  responses: { 204: { description: 'Detached' }, ...problems(404) },
});

export function guardRoutes(guards: GuardService) {
  return (app: App): void => {
    app.openapi(attach, async (c) => {
      const { guard, created } = await guards.attach(c.req.valid('json'));
      return created ? c.json(guard, 201) : c.json(guard, 200);
    });
    app.openapi(list, async (c) => c.json({ guards: await guards.list() }, 200));
    app.openapi(detach, async (c) => {
      await guards.detach(c.req.valid('param').id);
      return c.body(null, 204);
    });
  };
}
