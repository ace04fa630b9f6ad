import * as z from 'zod';
import { operationSpec } from './contracts';
import { PLUGIN_TYPES, type PluginType } from './plugin-types';
import { templateProblem } from './templates';

// Apart, without zod, for the CLI's declarations (`plugboard new --type`).
export { PLUGIN_TYPES, type PluginType };

export const SUPPORTED_API_VERSION = 1;

/** A plugin's slug: `plugboard new` takes the same ones. */
export const pluginSlug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9-]*$/, 'must start with a lower-case letter and hold only a-z, 0-9 and "-"');
const identifier = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-zA-Z0-9_]*$/, 'must start with a lower-case letter and hold only letters, digits and "_"');
const actionName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z][a-z0-9_]*$/, 'must start with a lower-case letter and hold only a-z, 0-9 and "_"');
const semver = z
  .string()
  .regex(
    /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/,
    'must be a semantic version such as 1.2.0',
  );
const label = z.string().min(1).max(200);
const description = z.string().max(2000).optional();

export const OPTION_TYPES = ['string', 'integer', 'boolean', 'secret', 'mapping'] as const;
export type OptionType = (typeof OPTION_TYPES)[number];

/** A value an option or a param of the given type may hold. */
export function valueFitsType(type: OptionType, value: unknown): boolean {
  switch (type) {
    case 'string':
    case 'secret':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'mapping':
      return (
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === 'string')
      );
  }
}

/**
 * Any value some option type holds. Whether it fits the param's own `type` is the refinement's to
 * say: a union that failed first would answer only "Invalid input".
 */
const paramValue = z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), z.unknown())], {
  error: 'must be a string, a number, a boolean or a mapping',
});

/** Shared shape of an instance option and an action param: typed, optionally required, with a default and choices. */
export const ParamSchema = z
  .strictObject({
    name: identifier,
    label,
    description,
    type: z.enum(OPTION_TYPES),
    required: z.boolean().default(false),
    default: paramValue.optional(),
    choices: z.array(paramValue).min(1).optional(),
  })
  .superRefine((param, ctx) => {
    if (param.choices && (param.type === 'boolean' || param.type === 'mapping' || param.type === 'secret')) {
      ctx.addIssue({
        code: 'custom',
        path: ['choices'],
        message: `choices are not allowed on a ${param.type}`,
      });
    }
    for (const [i, choice] of (param.choices ?? []).entries()) {
      if (!valueFitsType(param.type, choice)) {
        ctx.addIssue({
          code: 'custom',
          path: ['choices', i],
          message: `choice does not fit type ${param.type}`,
        });
      }
    }
    if (param.default === undefined) return;
    if (param.type === 'secret') {
      ctx.addIssue({ code: 'custom', path: ['default'], message: 'a secret cannot have a default' });
    } else if (!valueFitsType(param.type, param.default)) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: `default does not fit type ${param.type}` });
    } else if (param.choices && !param.choices.includes(param.default)) {
      ctx.addIssue({ code: 'custom', path: ['default'], message: 'default is not one of the choices' });
    } else if (typeof param.default === 'string' && param.default.includes('${')) {
      // A handler expands it with ctx.expand, which would answer the caller 400 for the author's mistake.
      const problem = templateProblem(param.default);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['default'], message: problem });
    }
  });
export type Param = z.output<typeof ParamSchema>;

export const CredentialFieldSchema = z.strictObject({
  name: identifier,
  label,
  description,
  required: z.boolean().default(true),
  secret: z.boolean().default(true),
});
export type CredentialField = z.output<typeof CredentialFieldSchema>;

export const DataTypeSchema = z.strictObject({
  name: identifier,
  label,
  secret: z.boolean().default(false),
});

/** Reports each repeated name at its own path; `groups` are lists that share one namespace. */
function uniqueNames(
  groups: readonly { path: string; items: readonly { name: string }[] }[],
  ctx: z.RefinementCtx,
  what: string,
): void {
  const seen = new Set<string>();
  for (const { path, items } of groups) {
    for (const [i, item] of items.entries()) {
      if (seen.has(item.name)) {
        ctx.addIssue({
          code: 'custom',
          path: [path, i, 'name'],
          message: `duplicate ${what} name "${item.name}"`,
        });
      }
      seen.add(item.name);
    }
  }
}

const params = z.array(ParamSchema).max(100).default([]);

export const ActionSchema = z
  .strictObject({
    name: actionName,
    label,
    description,
    /** What the action acts on, as in Digital Rebar's action catalogue. */
    model: z.enum(['instance', 'plugin']).default('instance'),
    // Marked required, so a manifest read back (GET /v1/plugins/{slug}) says what it means.
    requiredParams: params.transform((required) => required.map((param) => ({ ...param, required: true }))),
    optionalParams: params,
  })
  .superRefine((action, ctx) => {
    uniqueNames(
      [
        { path: 'requiredParams', items: action.requiredParams },
        { path: 'optionalParams', items: action.optionalParams },
      ],
      ctx,
      'param',
    );
    for (const [i, p] of action.optionalParams.entries()) {
      if (p.required) {
        ctx.addIssue({
          code: 'custom',
          path: ['optionalParams', i, 'required'],
          message: 'an optional param cannot be required',
        });
      }
    }
  });
export type Action = z.output<typeof ActionSchema>;

type ActionParams = Pick<Action, 'requiredParams' | 'optionalParams'>;
const paramsOfAction = new WeakMap<ActionParams, Param[]>();

/**
 * Every param of an action, the required ones marked so (also in a manifest stored before they
 * were). Made once per action, as it is read on every call: `{ ...param, required: true }` costs
 * V8 (Node 20) over a microsecond each, where an object literal costs tens of nanoseconds.
 */
export function actionParams(action: ActionParams): readonly Param[] {
  let params = paramsOfAction.get(action);
  if (!params) {
    params = [
      ...action.requiredParams.map((param) => ({ ...param, required: true })),
      ...action.optionalParams,
    ];
    paramsOfAction.set(action, params);
  }
  return params;
}

/** A JSON Schema object (kept as data; the loader checks it is an object). */
const jsonSchemaObject = z.record(z.string(), z.unknown());

export const WebhookActionSchema = z.strictObject({
  name: actionName,
  label,
  description,
  /** JSON Schema that a webhook rule's actionConfig must satisfy. */
  configSchema: jsonSchemaObject.default({ type: 'object' }),
});

export interface DocTopic {
  summary: string;
  detail?: string | undefined;
  examples?: string[] | undefined;
  order?: number | undefined;
  subtopics?: Record<string, DocTopic> | undefined;
}
export const DocTopicSchema: z.ZodType<DocTopic> = z.lazy(() =>
  z.strictObject({
    summary: z.string().min(1).max(500),
    detail: z.string().max(20_000).optional(),
    examples: z.array(z.string().max(5_000)).max(50).optional(),
    order: z.number().int().optional(),
    subtopics: z.record(identifier, DocTopicSchema).optional(),
  }),
);

/** Why an alias cannot be called as the operation it names; undefined when it can. */
function aliasProblem(
  alias: string,
  target: string,
  manifest: { types: readonly PluginType[]; actions: readonly { name: string }[] },
): string | undefined {
  if (manifest.actions.some((a) => a.name === alias))
    return `alias "${alias}" has the name of an action, so a call to "${alias}" is ambiguous`;
  if (!operationSpec(target))
    return `"${target}" is not an operation; an alias names one such as configuration.getValues`;
  const type = target.split('.')[0]!;
  if (!manifest.types.includes(type as PluginType))
    return `"${target}" is an operation of type ${type}, which the manifest's types do not declare`;
  return undefined;
}

export const ManifestSchema = z
  .strictObject({
    slug: pluginSlug,
    name: label,
    version: semver,
    description,
    apiVersion: z.number().int().positive(),
    types: z.array(z.enum(PLUGIN_TYPES)).max(PLUGIN_TYPES.length).default([]),
    authType: z.enum(['none', 'api_token', 'oauth2']).default('none'),
    cacheable: z.boolean().default(false),
    supportsHistogram: z.boolean().default(false),
    options: params,
    credentials: z.array(CredentialFieldSchema).max(50).default([]),
    dataTypes: z.array(DataTypeSchema).max(100).default([]),
    actions: z.array(ActionSchema).max(100).default([]),
    webhookActions: z.array(WebhookActionSchema).max(100).default([]),
    docs: z.record(identifier, DocTopicSchema).default({}),
    /** Other names for operations, e.g. `{ get: 'configuration.getValues' }`. */
    aliases: z.record(identifier, z.string().min(1).max(100)).default({}),
    timeoutSeconds: z.number().int().min(1).max(29).default(10),
    memoryMb: z.number().int().min(128).max(10_240).default(256),
  })
  .superRefine((m, ctx) => {
    uniqueNames([{ path: 'options', items: m.options }], ctx, 'option');
    uniqueNames([{ path: 'credentials', items: m.credentials }], ctx, 'credential');
    uniqueNames([{ path: 'dataTypes', items: m.dataTypes }], ctx, 'data type');
    uniqueNames([{ path: 'actions', items: m.actions }], ctx, 'action');
    uniqueNames([{ path: 'webhookActions', items: m.webhookActions }], ctx, 'webhook action');
    if (new Set(m.types).size !== m.types.length) {
      ctx.addIssue({ code: 'custom', path: ['types'], message: 'types must not repeat' });
    }
    if (m.authType !== 'none' && m.credentials.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['credentials'],
        message: `authType ${m.authType} needs credentials`,
      });
    }
    for (const [alias, target] of Object.entries(m.aliases)) {
      const issue = aliasProblem(alias, target, m);
      if (issue !== undefined) ctx.addIssue({ code: 'custom', path: ['aliases', alias], message: issue });
    }
    if (m.webhookActions.length > 0 && !m.types.includes('webhook')) {
      ctx.addIssue({
        code: 'custom',
        path: ['webhookActions'],
        message: 'webhookActions need type "webhook"',
      });
    }
  });

/** What an author writes (defaults may be left out). */
export type ManifestInput = z.input<typeof ManifestSchema>;
/** A validated manifest, every default filled in. */
export type Manifest = z.output<typeof ManifestSchema>;
