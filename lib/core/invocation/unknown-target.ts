import { CONTRACTS } from '../../sdk/contracts';
import { PlugboardError } from '../../sdk/errors';
import type { Manifest } from '../../sdk/manifest';

/** The operations a call may name: every one of the plugin's declared types, then its aliases. */
function operationNames(manifest: Manifest): string[] {
  const operations = manifest.types.flatMap((type) =>
    Object.hasOwn(CONTRACTS, type)
      ? Object.keys(CONTRACTS[type as keyof typeof CONTRACTS]).map((op) => `${type}.${op}`)
      : [],
  );
  const aliases = Object.entries(manifest.aliases).map(([alias, target]) => `${alias} (${target})`);
  return [...operations, ...aliases];
}

const actionNames = (manifest: Manifest): string[] => manifest.actions.map((a) => a.name);

// An action and an operation are called at different paths, and the CLI's invoke takes a name it
// does not find among the actions for an operation: a name mistaken for the other kind is told so.
const elsewhere = (kind: 'actions' | 'operations', names: string[]): string =>
  names.length > 0 ? `; its ${kind} are called at /${kind}/<name>: ${names.join(', ')}` : '';

export function unknownOperation(manifest: Manifest, operation: string): PlugboardError {
  return new PlugboardError(
    'NotFound',
    `plugin "${manifest.slug}" has no operation "${operation}"; known: ${operationNames(manifest).join(', ') || 'none'}${elsewhere('actions', actionNames(manifest))}`,
  );
}

export function unknownAction(manifest: Manifest, action: string): PlugboardError {
  return new PlugboardError(
    'NotFound',
    `plugin "${manifest.slug}" has no action "${action}"; known: ${actionNames(manifest).join(', ') || 'none'}${elsewhere('operations', operationNames(manifest))}`,
  );
}
