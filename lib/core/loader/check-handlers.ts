import { CONTRACTS, type ContractType } from '../../sdk/contracts';
import { type Manifest, PLUGIN_TYPES, type PluginType } from '../../sdk/manifest';
import type { CheckIssue } from './types';

/** Keys a definition may carry besides the handler groups of its types. */
const COMMON_KEYS = ['manifest', 'actions', 'http', 'events', 'authorizer', 'preHook'] as const;
const COMMON_FUNCTIONS = ['http', 'events', 'authorizer', 'preHook'] as const;
const KNOWN_KEYS = new Set<string>([...COMMON_KEYS, ...PLUGIN_TYPES]);

type Definition = Record<string, unknown>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks that a named handler group holds exactly the `expected` names as functions: each
 * `required` name present, nothing outside `expected`.
 */
function checkGroup(
  group: unknown,
  path: string,
  expected: readonly string[],
  required: readonly string[],
  what: string,
): CheckIssue[] {
  if (!isRecord(group)) return [{ path, message: `must be an object of ${what} handlers` }];
  const issues: CheckIssue[] = [];
  for (const name of required) {
    // Own keys only: an action may be named `constructor` or `toString`, which every object inherits.
    if (!Object.hasOwn(group, name) || group[name] === undefined)
      issues.push({ path: `${path}.${name}`, message: `missing handler for ${what} "${name}"` });
  }
  for (const [name, handler] of Object.entries(group)) {
    if (!expected.includes(name)) {
      const known = expected.length > 0 ? expected.join(', ') : 'none';
      issues.push({
        path: `${path}.${name}`,
        message: `"${name}" is not a declared ${what}; declared: ${known}`,
      });
    } else if (typeof handler !== 'function') {
      issues.push({ path: `${path}.${name}`, message: 'must be a function' });
    }
  }
  return issues;
}

function checkContract(type: ContractType, group: unknown, manifest: Manifest): CheckIssue[] {
  const ops = Object.entries(CONTRACTS[type]);
  const required = ops.filter(([, spec]) => spec.required).map(([name]) => name);
  const issues = checkGroup(
    group,
    type,
    ops.map(([name]) => name),
    required,
    `${type} operation`,
  );
  if (issues.length > 0 || !isRecord(group)) return issues;
  if (type === 'lifecycle' && Object.keys(group).length === 0) {
    issues.push({
      path: type,
      message: `a lifecycle plugin needs at least one of ${ops.map(([name]) => name).join(', ')}`,
    });
  }
  if (type === 'logs' && manifest.supportsHistogram && group.histogram === undefined) {
    issues.push({
      path: 'logs.histogram',
      message: 'supportsHistogram is true but there is no logs.histogram handler',
    });
  }
  return issues;
}

function checkType(type: PluginType, group: unknown, manifest: Manifest): CheckIssue[] {
  if (type !== 'webhook') return checkContract(type, group, manifest);
  const names = manifest.webhookActions.map((a) => a.name);
  return checkGroup(group, 'webhook', names, names, 'webhook action');
}

/** Compares a definition's handlers with its validated manifest. */
export function checkHandlers(definition: Definition, manifest: Manifest): CheckIssue[] {
  const issues: CheckIssue[] = [];
  for (const key of Object.keys(definition)) {
    if (!KNOWN_KEYS.has(key)) issues.push({ path: key, message: `unknown key "${key}"` });
  }
  for (const type of PLUGIN_TYPES) {
    const declared = manifest.types.includes(type);
    const group = definition[type];
    if (declared) issues.push(...checkType(type, group, manifest));
    else if (group !== undefined) {
      issues.push({
        path: type,
        message: `has ${type} handlers but the manifest's types do not declare "${type}"`,
      });
    }
  }
  const actionNames = manifest.actions.map((a) => a.name);
  if (definition.actions !== undefined || actionNames.length > 0) {
    issues.push(...checkGroup(definition.actions ?? {}, 'actions', actionNames, actionNames, 'action'));
  }
  for (const [alias, target] of Object.entries(manifest.aliases)) {
    // The manifest schema has checked the target is an operation of a declared type; an optional one may have no handler.
    const [type, operation] = target.split('.') as [string, string];
    const group = definition[type];
    if (isRecord(group) && group[operation] === undefined)
      issues.push({
        path: `manifest.aliases.${alias}`,
        message: `alias "${alias}" names ${target}, which has no handler in ${type}`,
      });
  }
  for (const key of COMMON_FUNCTIONS) {
    if (definition[key] !== undefined && typeof definition[key] !== 'function') {
      issues.push({ path: key, message: 'must be a function' });
    }
  }
  return issues;
}
