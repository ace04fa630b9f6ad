import * as z from 'zod';
import type { App, RouteContext } from '../env';
import { jsonAnswer } from '../json-answer';
import { createRoute } from '../route-config';
import { ActionCallSchema, CallSchema, InstanceNameParam, json, problems, ResultSchema } from '../schemas';

const CALL_ERRORS = [404, 409, 410, 413, 415, 424, 429, 502, 503, 504];

const operation = createRoute({
  method: 'post',
  path: '/v1/instances/{name}/operations/{operation}',
  summary: 'Invoke a contract operation (e.g. configuration.getValues) or an alias of one',
  request: {
    params: z.object({
      name: InstanceNameParam,
      operation: z
        .string()
        .max(100)
        .regex(/^[A-Za-z][A-Za-z0-9_.]*$/, 'an operation is type.operation or an alias'),
    }),
    body: { required: false, content: { 'application/json': { schema: CallSchema } } },
  },
  responses: { 200: json(ResultSchema, "The handler's result"), ...problems(...CALL_ERRORS) },
});
const action = createRoute({
  method: 'post',
  path: '/v1/instances/{name}/actions/{action}',
  summary: "Run an action from the plugin's catalogue; required params enforced, optional filled",
  request: {
    params: z.object({
      name: InstanceNameParam,
      action: z
        .string()
        .max(64)
        .regex(/^[a-z][a-z0-9_]*$/, 'an action name is a-z, 0-9 and "_"'),
    }),
    body: { required: false, content: { 'application/json': { schema: ActionCallSchema } } },
  },
  responses: { 200: json(ResultSchema, "The action's result"), ...problems(...CALL_ERRORS) },
});

export function registerCallRoutes(app: App, { invocations }: RouteContext): void {
  app.openapi(operation, async (c) => {
    const { name, operation: op } = c.req.valid('param');
    const body = c.req.valid('json') ?? {};
    const requestId = c.get('requestId');
    const request = { requestId, context: body.context, deadline: c.get('deadline') };
    const result = await invocations.operation(name, op, body.input, request);
    return jsonAnswer(c, { result, requestId }, 200);
  });
  app.openapi(action, async (c) => {
    const { name, action: act } = c.req.valid('param');
    const body = c.req.valid('json') ?? {};
    const requestId = c.get('requestId');
    const request = { requestId, context: body.context, deadline: c.get('deadline') };
    const result = await invocations.action(name, act, body.params, request);
    return jsonAnswer(c, { result, requestId }, 200);
  });
}

/** The route definitions, whose zod schemas type the API client (plugboard/client). */
export const callRoutes = { operation, action };
