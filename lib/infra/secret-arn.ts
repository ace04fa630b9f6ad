import { ArnFormat, Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** The ARN pattern of the Secrets Manager secrets whose names match `namePattern`, in the scope's stack. */
export const secretArn = (scope: IConstruct, namePattern: string): string =>
  Stack.of(scope).formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: namePattern,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
