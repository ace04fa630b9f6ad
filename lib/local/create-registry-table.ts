import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { REGISTRY_TABLE } from '../aws/registry-table';

/** Creates the registry table if it does not exist and waits until it is active in dynalite. */
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
