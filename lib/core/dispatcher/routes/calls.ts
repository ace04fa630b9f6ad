import * as z from 'zod';
import type { App, RouteContext } from '../env';
import { jsonAnswer } from '../json-answer';
import { createRoute } from '../route-config';
import { ActionCallSchema, CallSchema, InstanceNameParam, json, problems, ResultSchema } from '../schemas';

const CALL_ERRORS = [404, 409, 410, 413, 415, 424, 429, 502, 503, 504];
const OPERATION_NAME = /^[A-Za-z][A-Za-z0-9_.]*$/;

const ACTION_NAME_RULE = 'an action name is a-z, 0-9 and "_"';

/**
 * An operation's name sent to the actions path (`configuration.setValue`, `getValues`) is refused
 * here, before the plugin is looked up: it is told where operations are called on the instance the
 * request names, as the unknown-target refusals tell each kind of the other. The check of the path as
 * a whole words it, as the action's own check does not see the name; a name refused itself is not
 * echoed.
 */
function pointToOperations(ctx: z.core.ParsePayload<{ name: string; action: string }>): void {
  const { name, action } = ctx.value;
  const refused = ctx.issues.findIndex(
    (issue) => issue.path?.[0] === 'action' && issue.code === 'invalid_format',
  );
  if (refused === -1 || action.length > 100 || !OPERATION_NAME.test(action)) return;
  const instance = ctx.issues.some((issue) => issue.path?.[0] === 'name') ? '<name>' : name;
  ctx.issues[refused] = {
    code: 'custom',
    path: ['action'],
    input: action,
    message: `${ACTION_NAME_RULE}; "${action}" has the form of an operation, which is called at /v1/instances/${instance}/operations/${action}`,
  };
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
    params: z
      .object({
        name: InstanceNameParam,
        action: z
          .string()
          .max(64)
          .regex(/^[a-z][a-z0-9_]*$/, ACTION_NAME_RULE),
      })
      .check(pointToOperations),
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
