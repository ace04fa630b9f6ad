import { Validations } from 'aws-cdk-lib';
import type { ITableV2 } from 'aws-cdk-lib/aws-dynamodb';
import type { Role } from 'aws-cdk-lib/aws-iam';
import { nagRef } from './nag';

/** Read and write the registry table and its index (the index is how plugins and instances are listed). */
export function grantRegistry(table: ITableV2, role: Role): void {
  table.grantReadWriteData(role);
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${nagRef(table, 'Arn')}/index/*]`,
    reason:
      "Plugins and instances are listed through the registry table's index; the grant covers the indexes of that one table.",
  });
}
