import * as z from 'zod';
import { CallContextSchema } from '../../sdk/context';
import { INSTANCE_NAME, MAX_INSTANCE_NAME_LENGTH } from '../instances/instance-service';
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from '../ports';

/** One thing wrong, located by a JSON pointer (RFC 6901). */
const FieldErrorSchema = z.object({ pointer: z.string(), detail: z.string() });

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    requestId: z.string(),
    errors: z.array(FieldErrorSchema).optional(),
    retryAt: z.string().optional(),
  })
  .meta({ id: 'Problem' });

/** Every problem answer names its request, as its `requestId` does (for the logs). */
const REQUEST_ID_HEADER = {
  'x-request-id': {
    description: "The request's id, the problem's requestId",
    schema: { type: 'string' as const },
  },
};
const RETRY_AFTER_HEADER = {
  'Retry-After': {
    description: 'Seconds until the call may be made again',
    schema: { type: 'integer' as const },
  },
};

/** Response entries for the error statuses a route can answer, all RFC 9457 problems. */
export function problems(...statuses: number[]) {
  const content = { 'application/problem+json': { schema: ProblemSchema } };
  return Object.fromEntries(
    [400, 401, 403, ...statuses].map((status) => [
      status,
      {
        description: 'RFC 9457 problem',
        content,
        headers: status === 429 ? { ...REQUEST_ID_HEADER, ...RETRY_AFTER_HEADER } : REQUEST_ID_HEADER,
      },
    ]),
  );
}

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true as const,
  content: { 'application/json': { schema } },
});

const PAGE_LIMIT_ERROR = `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`;

/**
 * `?limit=` of every paginated list: one message for each way it can be wrong, where zod would say
 * "Invalid input: expected number, received NaN" for `?limit=abc`.
 */
export const PageLimit = z.coerce
  .number({ error: PAGE_LIMIT_ERROR })
  .int({ error: PAGE_LIMIT_ERROR })
  .min(1, { error: PAGE_LIMIT_ERROR })
  .max(MAX_PAGE_LIMIT, { error: PAGE_LIMIT_ERROR })
  .default(DEFAULT_PAGE_LIMIT)
  .meta({ description: `Items per page, 1 to ${MAX_PAGE_LIMIT}; default ${DEFAULT_PAGE_LIMIT}` });

/** The query of a paginated list: its size and the cursor a previous page answered. */
export const PageQuery = {
  limit: PageLimit,
  cursor: z.string().max(8192).optional(),
};

export const INSTANCE_NAME_RULE = `an instance name is a-z, 0-9 and "-", starting with a letter, at most ${MAX_INSTANCE_NAME_LENGTH} characters`;
/** An instance's name wherever a request gives one: a malformed name is a 400, never a lookup's 404. */
export const InstanceName = z.string().regex(INSTANCE_NAME, INSTANCE_NAME_RULE);
export const InstanceNameParam = InstanceName;

export const PluginSlug = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, 'a plugin slug is a-z, 0-9 and "-", starting with a letter');

export const SlugParam = PluginSlug;

export const InstanceSchema = z
  .object({
    name: z.string(),
    plugin: z.string(),
    description: z.string().optional(),
    options: z.record(z.string(), z.unknown()),
    context: CallContextSchema,
    order: z.number().int(),
    credentialsSet: z.array(z.string()),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    generation: z.string().optional().meta({
      description:
        "Which instance of the name this is, made when it was created: the plugin function's envelope names it to reach this instance's store. Absent from an instance created before generations.",
    }),
    outdatedOptions: z.array(FieldErrorSchema).meta({
      description:
        "What in `options` does not fit its plugin's current version, a later one than the instance was written for: a required option not set, or a value of another type, not among the choices or not declared any more. Calls answer 409 OptionsOutdated until a PATCH fixes all but the undeclared ones, which are left out of calls. Read against the plugin's version now: when the plugin is upgraded it can change with no write, and the ETag with it. Empty while the plugin is not loaded.",
    }),
  })
  .meta({ id: 'Instance' });

/** The fields of an instance a caller sets, when creating it and in a patch alike. */
const EDITABLE_INSTANCE_FIELDS = {
  description: z.string().max(1000).optional(),
  options: z.record(z.string(), z.unknown()).optional(),
  context: CallContextSchema.optional(),
  order: z.number().int().min(-1_000_000).max(1_000_000).optional(),
};

export const CreateInstanceSchema = z
  .strictObject({ name: InstanceName, plugin: z.string().min(1).max(64), ...EDITABLE_INSTANCE_FIELDS })
  .meta({ id: 'CreateInstance' });

export const PatchInstanceSchema = z.strictObject(EDITABLE_INSTANCE_FIELDS).meta({ id: 'PatchInstance' });

export const CallSchema = z
  .strictObject({
    input: z.record(z.string(), z.unknown()).optional(),
    context: CallContextSchema.optional(),
  })
  .meta({ id: 'OperationCall' });
export const ActionCallSchema = z
  .strictObject({
    params: z.record(z.string(), z.unknown()).optional(),
    context: CallContextSchema.optional(),
  })
  .meta({ id: 'ActionCall' });
export const ResultSchema = z.object({ result: z.unknown(), requestId: z.string() }).meta({ id: 'Result' });
