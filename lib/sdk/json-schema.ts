import * as z from 'zod';
import type { CredentialValueField } from './credential-fields';
import { type Action, actionParams, ManifestSchema, type Param } from './manifest';

export type JsonSchema = Record<string, unknown>;

/** JSON Schema of the manifest itself, from the same zod schema the loader uses. */
export function manifestJsonSchema(): JsonSchema {
  return z.toJSONSchema(ManifestSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function paramJsonSchema(param: Param): JsonSchema {
  const base: JsonSchema = { title: param.label };
  if (param.description) base.description = param.description;
  if (param.default !== undefined) base.default = param.default;
  if (param.choices) base.enum = param.choices;
  switch (param.type) {
    case 'string':
      return { ...base, type: 'string' };
    case 'secret':
      return { ...base, type: 'string', writeOnly: true };
    case 'integer':
      return { ...base, type: 'integer' };
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'mapping':
      return { ...base, type: 'object', additionalProperties: { type: 'string' } };
  }
}

/** JSON Schema of an object whose properties are the given params. */
export function paramsJsonSchema(params: readonly Param[]): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(params.map((p) => [p.name, paramJsonSchema(p)])),
    required: params.filter((p) => p.required).map((p) => p.name),
  };
}

/** JSON Schema of the values of an instance's credentials: write-only strings. */
export function credentialsJsonSchema(fields: readonly CredentialValueField[]): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(
      fields.map((f) => [f.name, { title: f.label, type: 'string', minLength: 1, writeOnly: true }]),
    ),
    required: fields.filter((f) => f.required).map((f) => f.name),
  };
}

export function actionParamsJsonSchema(action: Action): JsonSchema {
  return paramsJsonSchema(actionParams(action));
}
