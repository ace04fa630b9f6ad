import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import { REGISTRY_TABLE } from '../aws/registry-table';

/**
 * What DynamoDbRegistry and DynamoDbEventStore send: single-item reads, conditional puts, updates
 * and deletes, and queries (no transaction: versions are checked by conditional writes, and an
 * instance's update sets its attributes so that the announcements it carries stay).
 */
const REGISTRY_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
];

/**
 * Read and write the registry table and its index, named one by one (no `index/*`): the index is how
 * plugins and instances are listed. No Scan and no batch writes.
 */
export function grantRegistry(table: ITableV2, role: Role): void {
  const indexes = REGISTRY_TABLE.indexes.map((index) => `${table.tableArn}/index/${index.name}`);
  role.addToPolicy(
    new PolicyStatement({ actions: REGISTRY_ACTIONS, resources: [table.tableArn, ...indexes] }),
  );
}

/**
 * Single-item puts on the table of items whose partition key starts with one of `keyPrefixes`,
 * nothing else: for a function that only writes records of its own kinds and never reads (the
 * dead-letter intake: `DEADLETTER#`, and the event log's `EVENT#`), so it cannot touch instances,
 * manifests or subscriptions.
 */
export function grantRegistryPuts(table: ITableV2, role: Role, keyPrefixes: readonly string[]): void {
  role.addToPolicy(
    new PolicyStatement({
      actions: ['dynamodb:PutItem'],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keyPrefixes.map((prefix) => `${prefix}*`) },
      },
    }),
  );
}
