import type { LogFn } from '../core/dispatcher/deps';
import { everyItem } from '../core/every-item';
import { type CredentialResolver, type CredentialStore, credentialsRef, type Registry } from '../core/ports';

/**
 * Moves credentials a platform from before they were kept by generation wrote under an instance's
 * name alone to the name with its generation, where calls now read them, so that a data folder kept
 * across the upgrade loses none. Runs at start, before anything is served; an instance whose
 * credentials cannot be moved is logged, and answers CredentialsMissing until they are set again.
 */
export async function moveCredentialsToGenerations(
  registry: Pick<Registry, 'listInstances'>,
  credentials: CredentialStore & CredentialResolver,
  stage: string,
  log: LogFn,
): Promise<number> {
  let moved = 0;
  for await (const instance of everyItem((page) => registry.listInstances(page))) {
    if (instance.generation === undefined || instance.credentialsSet.length === 0) continue;
    const byName = credentialsRef(stage, { plugin: instance.plugin, name: instance.name });
    try {
      const values = await credentials.resolve(byName);
      if (!values) continue;
      const byGeneration = credentialsRef(stage, instance);
      if (!(await credentials.resolve(byGeneration))) await credentials.put(byGeneration, values);
      await credentials.delete(byName);
      moved++;
    } catch (error) {
      log('error', "an instance's credentials could not be moved to its generation: set them again", {
        instance: instance.name,
        plugin: instance.plugin,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  if (moved > 0) log('info', 'credentials moved to the generations of their instances', { instances: moved });
  return moved;
}
