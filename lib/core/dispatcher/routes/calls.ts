import * as z from 'zod';
import type { App, RouteContext } from '../env';
import { jsonAnswer } from '../json-answer';
import { createRoute } from '../route-config';
import { ActionCallSchema, CallSchema, InstanceNameParam, json, problems, ResultSchema } from '../schemas';

const CALL_ERRORS = [404, 409, 410, 413, 415, 424, 429, 502, 503, 504];
const OPERATION_NAME = /^[A-Za-z][A-Za-z0-9_.]*$/;

/**
 * An operation's name sent to the actions path (`configuration.setValue`, `getValues`) is refused
 * here, before the plugin is looked up: it is told where operations are called, as the unknown-target
 * refusals tell each kind of the other.
 */
function actionNameRule(input: unknown): string {
  const rule = 'an action name is a-z, 0-9 and "_"';
  if (typeof input !== 'string' || input.length > 100 || !OPERATION_NAME.test(input)) return rule;
  return `${rule}; "${input}" has the form of an operation, which is called at /v1/instances/<name>/operations/${input}`;
}

const operation = createRoute({
  method: 'post',
  path: '/v1/instances/{name}/operations/{operation}',
  summary: 'Invoke a contract operation (e.g. configuration.getValues) or an alias of one',
  request: {
    params: z.object({
      name: InstanceNameParam,
      operation: z.string().max(100).regex(OPERATION_NAME, 'an operation is type.operation or an alias'),
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
        .regex(/^[a-z][a-z0-9_]*$/, { error: (issue) => actionNameRule(issue.input) }),
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
