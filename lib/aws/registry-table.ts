import type { StoreOwner } from '../core/ports';

/**
 * The registry's one key schema, shared by the CDK table (lib/infra) and the local table (dynalite).
 * All key attributes are strings; the index projects ALL attributes.
 *
 * Items (see DynamoDbRegistry):
 * - plugin:   pk `PLUGIN#<slug>`,               sk `MANIFEST`, gsi1pk `PLUGINS`,   gsi1sk `<slug>`
 * - instance: pk `INSTANCE#<name>`,             sk `INSTANCE`, gsi1pk `INSTANCES`, gsi1sk `<plugin>#<name>`
 *   (one index serves both "all instances" and "instances of a plugin", a begins_with on gsi1sk);
 *   its string set `announcing` holds the ids of the announcements its writes carry until released
 * - held announcement: pk `ANNOUNCEMENT`, sk `<heldAt>#<event id>`, no index keys
 * - plugin-owned storage (`ctx.store`): pk `STORE#<plugin>#<instance>#<generation>`, sk `<key>`, no
 *   index keys; an instance created before generations has none, and its pk is
 *   `STORE#<plugin>#<instance>`, where its items were written (neither an instance name nor a
 *   generation holds a `#`, so the two layouts never meet).
 *
 * Plugin-owned storage MUST keep pk starting `STORE#<plugin>#`: a plugin's IAM role is limited to
 * its own partitions with the condition `dynamodb:LeadingKeys` StringLike `STORE#<slug>#*`
 * (see storePartitionPattern), so no other item layout may start with `STORE#`.
 */
export const REGISTRY_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  /** Epoch seconds after which DynamoDB deletes the item (the event log's entries only). */
  timeToLiveAttribute: 'expiresAt',
} as const;

/** The table's own key attributes, as a page cursor of a query of the table (not of an index) names them. */
export const TABLE_KEY = [REGISTRY_TABLE.partitionKey, REGISTRY_TABLE.sortKey] as const;

/**
 * An instance's store partition. One created before generations keeps the layout its items were
 * written in, so they stay readable; no item is moved, since its instance's calls may be writing.
 */
export const storePartition = ({ plugin, name, generation }: StoreOwner): string =>
  generation === undefined ? `STORE#${plugin}#${name}` : `STORE#${plugin}#${name}#${generation}`;
/** The `dynamodb:LeadingKeys` pattern that confines a plugin's role to its own storage. */
export const storePartitionPattern = (plugin: string): string => `STORE#${plugin}#*`;
