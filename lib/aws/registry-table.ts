import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';

/**
 * The registry's one key schema, shared by the CDK table (lib/infra) and the local table (dynalite).
 * All key attributes are strings; the index projects ALL attributes.
 *
 * Items (see DynamoDbRegistry):
 * - plugin:   pk `PLUGIN#<slug>`,               sk `MANIFEST`, gsi1pk `PLUGINS`,   gsi1sk `<slug>`
 * - instance: pk `INSTANCE#<name>`,             sk `INSTANCE`, gsi1pk `INSTANCES`, gsi1sk `<plugin>#<name>`
 *   (one index serves both "all instances" and "instances of a plugin", a begins_with on gsi1sk)
 * - plugin-owned storage (`ctx.store`): pk `STORE#<plugin>#<instance>`, sk `<key>`, no index keys.
 *
 * Plugin-owned storage MUST keep pk = `STORE#<plugin>#<instance>`: a plugin's IAM role is limited to
 * its own partitions with the condition `dynamodb:LeadingKeys` StringLike `STORE#<slug>#*`
 * (see storePartitionPattern), so no other item layout may start with `STORE#`.
 */
export const REGISTRY_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
} as const;

export const storePartition = (plugin: string, instance: string): string => `STORE#${plugin}#${instance}`;
/** The `dynamodb:LeadingKeys` pattern that confines a plugin's role to its own storage. */
export const storePartitionPattern = (plugin: string): string => `STORE#${plugin}#*`;

/** Creates the registry table if it does not exist and waits until it is active (local use and tests). */
export async function createRegistryTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const string = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  const index = REGISTRY_TABLE.indexes[0];
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          string(REGISTRY_TABLE.partitionKey),
          string(REGISTRY_TABLE.sortKey),
          string(index.partitionKey),
          string(index.sortKey),
        ],
        KeySchema: [
          { AttributeName: REGISTRY_TABLE.partitionKey, KeyType: 'HASH' },
          { AttributeName: REGISTRY_TABLE.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: REGISTRY_TABLE.indexes.map((gsi) => ({
          IndexName: gsi.name,
          KeySchema: [
            { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
            { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      }),
    );
  } catch (error) {
    // Another caller created it between our describe and create: same outcome.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  await waitUntilTableExists(
    { client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.5 },
    { TableName: tableName },
  );
}
