import { PlugboardError } from '../../sdk/errors';
import type { LogFn } from '../dispatcher/deps';
import type { CredentialStore, PluginStorage, StoreOwner } from '../ports';
import { credentialsRef } from '../ports';

/** What removes what a deleted instance leaves: its credentials and its store. */
export interface BelongingsDeps {
  readonly registry: Pick<PluginStorage, 'storeList' | 'storeDelete'>;
  readonly credentials: Pick<CredentialStore, 'delete'>;
  readonly stage: string;
  readonly log?: LogFn | undefined;
}

/** Store items deleted at once: one page of the listing (10,000 items: 100 rounds). */
const STORE_CLEAR_PAGE = 100;

/** One page at a time; the cursor stays valid when the items before it are gone. */
async function clearStore(registry: BelongingsDeps['registry'], owner: StoreOwner): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await registry.storeList(owner, { limit: STORE_CLEAR_PAGE, cursor });
    await Promise.all(page.items.map((item) => registry.storeDelete(owner, item.key)));
    cursor = page.nextCursor;
  } while (cursor !== undefined);
}

/**
 * Removes a deleted instance's store and, when `credentials` says so, its credentials. The store and
 * the credentials of its generation are its own; the partition under its name alone (where a Lambda
 * Invoke envelope that leaves the generation out writes), and the credentials of an instance from
 * before generations, both named by the instance's name, are removed only when the caller knows no
 * other instance of the name holds them (`byName`). The instance is gone by then, so its delete
 * stands whatever this does: what could not be removed is logged for the operator, unreachable
 * meanwhile (a new instance of the name has no credentials until they are set, and a store of its
 * own).
 */
export async function removeBelongings(
  deps: BelongingsDeps,
  instance: StoreOwner,
  { credentials, byName }: { credentials: boolean; byName: boolean },
): Promise<void> {
  try {
    if (credentials && (instance.generation !== undefined || byName))
      await deps.credentials.delete(credentialsRef(deps.stage, instance));
    if (instance.generation !== undefined) await clearStore(deps.registry, instance);
    if (byName) await clearStore(deps.registry, { plugin: instance.plugin, name: instance.name });
  } catch (error) {
    deps.log?.('error', 'instance deleted, but its credentials or store were not all removed', {
      instance: instance.name,
      plugin: instance.plugin,
      error: error instanceof PlugboardError ? error.code : String(error),
    });
  }
}
