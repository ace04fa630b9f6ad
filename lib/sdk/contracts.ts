import * as z from 'zod';
import type { PluginType } from './manifest';

/**
 * The operation contracts of each plugin type. Each operation has an input and an output schema;
 * the dispatcher validates input against them, the runtime validates output, so a plugin that
 * breaks its contract answers 502 rather than handing a client something malformed.
 */

/** An ISO 8601 date-time with `Z` or an offset, as EventBridge takes it; zod's own message names no form. */
const ISO_TIME_ERROR = 'must be an ISO 8601 date-time such as 2026-01-01T00:00:00Z';
/** Nanoseconds and an offset fit in 35 characters; the format alone takes any number of digits. */
export const isoTime = z.iso.datetime({ offset: true, error: ISO_TIME_ERROR }).max(64, ISO_TIME_ERROR);

// configuration (Imbi: list_keys / get_values / set_value / delete_key)
export const ConfigKeySchema = z.object({
  key: z.string().min(1).max(1024),
  dataType: z.string().default('string'),
  secret: z.boolean().default(false),
  lastModified: isoTime.optional(),
});
export type ConfigKey = z.input<typeof ConfigKeySchema>;
export const ConfigValueSchema = ConfigKeySchema.extend({ value: z.unknown() });
export type ConfigValue = z.input<typeof ConfigValueSchema>;

// logs
export const LOG_FILTER_OPS = ['eq', 'ne', 'contains', 'startsWith', 'regex'] as const;
export const LogFilterSchema = z.strictObject({
  field: z.string().min(1).max(200),
  op: z.enum(LOG_FILTER_OPS),
  value: z.union([z.string().max(1000), z.number(), z.boolean()]),
});
export type LogFilter = z.infer<typeof LogFilterSchema>;
const timeRange = {
  start: isoTime.optional(),
  end: isoTime.optional(),
  filters: z.array(LogFilterSchema).max(20).default([]),
};
export const LogEntrySchema = z.object({
  timestamp: isoTime,
  level: z.string().optional(),
  message: z.string(),
  fields: z.record(z.string(), z.unknown()).default({}),
});
export type LogEntry = z.input<typeof LogEntrySchema>;

// identity
export const IdentitySchema = z.object({
  id: z.string().min(1),
  username: z.string(),
  email: z.string().optional(),
  displayName: z.string().optional(),
  groups: z.array(z.string()).default([]),
});
export type Identity = z.input<typeof IdentitySchema>;

// deployment
export const DeploymentSchema = z.object({
  deploymentId: z.string().min(1),
  status: z.enum(['pending', 'running', 'succeeded', 'failed', 'cancelled']),
  environment: z.string().optional(),
  ref: z.string().optional(),
  url: z.string().optional(),
  updatedAt: isoTime.optional(),
});
export type Deployment = z.input<typeof DeploymentSchema>;

interface OperationSpec {
  input: z.ZodType;
  output: z.ZodType;
  /** Whether a plugin of this type must implement it. */
  required: boolean;
}

const none = z.strictObject({});

export const CONTRACTS = {
  configuration: {
    listKeys: { input: none, output: z.array(ConfigKeySchema), required: true },
    getValues: {
      input: z.strictObject({ keys: z.array(z.string().min(1).max(1024)).max(1000).optional() }),
      output: z.array(ConfigValueSchema),
      required: true,
    },
    setValue: {
      input: z.strictObject({
        key: z.string().min(1).max(1024),
        value: z.unknown().refine((v) => v !== undefined, 'value is required'),
        dataType: z.string().min(1).max(64).optional(),
      }),
      output: ConfigKeySchema,
      required: true,
    },
    deleteKey: {
      input: z.strictObject({ key: z.string().min(1).max(1024) }),
      output: z.unknown(),
      required: true,
    },
  },
  logs: {
    search: {
      input: z.strictObject({
        ...timeRange,
        limit: z.number().int().min(1).max(1000).default(100),
        cursor: z.string().max(2000).optional(),
      }),
      output: z.object({ entries: z.array(LogEntrySchema), nextCursor: z.string().optional() }),
      required: true,
    },
    schema: {
      input: none,
      output: z.object({ fields: z.array(z.object({ name: z.string(), type: z.string() })) }),
      required: true,
    },
    histogram: {
      input: z.strictObject({ ...timeRange, bucketCount: z.number().int().min(1).max(1440).default(60) }),
      output: z.object({
        buckets: z.array(z.object({ start: isoTime, end: isoTime, count: z.number().int().min(0) })),
      }),
      required: false,
    },
  },
  identity: {
    getUser: {
      input: z.strictObject({ id: z.string().min(1).max(500) }),
      output: IdentitySchema,
      required: true,
    },
    listUsers: {
      input: z.strictObject({
        limit: z.number().int().min(1).max(1000).default(100),
        cursor: z.string().max(2000).optional(),
      }),
      output: z.object({ users: z.array(IdentitySchema), nextCursor: z.string().optional() }),
      required: true,
    },
  },
  deployment: {
    deploy: {
      input: z.strictObject({
        ref: z.string().min(1).max(500),
        environment: z.string().min(1).max(200),
        params: z.record(z.string(), z.unknown()).default({}),
      }),
      output: DeploymentSchema,
      required: true,
    },
    getStatus: {
      input: z.strictObject({ deploymentId: z.string().min(1).max(500) }),
      output: DeploymentSchema,
      required: true,
    },
  },
  lifecycle: {
    onInstanceCreated: { input: z.object({}).loose(), output: z.unknown(), required: false },
    onInstanceUpdated: { input: z.object({}).loose(), output: z.unknown(), required: false },
    onInstanceDeleted: { input: z.object({}).loose(), output: z.unknown(), required: false },
  },
} as const satisfies Record<Exclude<PluginType, 'webhook'>, Record<string, OperationSpec>>;

export type ContractType = keyof typeof CONTRACTS;
type Contracts = typeof CONTRACTS;

/** An operation's full name, `type.operation`, e.g. `configuration.getValues`. */
export type OperationName = {
  [T in ContractType]: `${T}.${Extract<keyof Contracts[T], string>}`;
}[ContractType];

/** Operation N's spec, by its full name. */
type SpecOf<N extends OperationName> = N extends `${infer T extends ContractType}.${infer O}`
  ? O extends keyof Contracts[T]
    ? Contracts[T][O]
    : never
  : never;
/** What a client gives an operation: its contract's input, where a default may be left out. */
export type OperationInput<N extends OperationName> =
  SpecOf<N> extends { input: infer I extends z.ZodType } ? z.input<I> : never;
/** What a client receives from an operation: its contract's output with its defaults filled in. */
export type OperationOutput<N extends OperationName> =
  SpecOf<N> extends { output: infer O extends z.ZodType } ? z.output<O> : never;

export function operationSpec(name: string): OperationSpec | undefined {
  const [type, op, ...rest] = name.split('.');
  if (rest.length > 0 || !type || !op || !Object.hasOwn(CONTRACTS, type)) return undefined;
  const ops = CONTRACTS[type as ContractType] as Record<string, OperationSpec>;
  return Object.hasOwn(ops, op) ? ops[op] : undefined;
}

export type InputOf<
  T extends ContractType,
  O extends keyof Contracts[T],
> = Contracts[T][O] extends OperationSpec ? z.output<Contracts[T][O]['input']> : never;
export type OutputOf<
  T extends ContractType,
  O extends keyof Contracts[T],
> = Contracts[T][O] extends OperationSpec ? z.input<Contracts[T][O]['output']> : never;

/** Input of a webhook action handler. */
export interface WebhookCall {
  payload: unknown;
  headers: Record<string, string>;
  actionConfig: Record<string, unknown>;
  externalIdentifier?: string | undefined;
  deliveryId: string;
  source: string;
}
