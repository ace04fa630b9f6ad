import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  type SecretsManagerClient,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { checkCredentialsRef, checkCredentialValues, parseCredentialValues } from '../core/credential-values';
import type { CredentialDescription, CredentialResolver, CredentialStore } from '../core/ports';
import { PlugboardError } from '../sdk/errors';

/** Tag holding the field names (space separated), so describe never needs the secret's value. */
export const FIELDS_TAG = 'plugboard:fields';

export interface SecretsManagerCredentialStoreProps {
  readonly client: SecretsManagerClient;
  /** KMS key for new secrets. @default the account's aws/secretsmanager key */
  readonly kmsKeyId?: string | undefined;
}

const MAX_TAG_VALUE = 256;

/**
 * The dispatcher's side of Secrets Manager: create, put, describe and delete; it never reads a value
 * (its role has no GetSecretValue). Needs CreateSecret, PutSecretValue, TagResource, DescribeSecret
 * and DeleteSecret on `plugboard/<stage>/*`.
 */
export class SecretsManagerCredentialStore implements CredentialStore {
  constructor(private readonly props: SecretsManagerCredentialStoreProps) {}

  async put(ref: string, values: Record<string, string>): Promise<void> {
    const secretId = checkCredentialsRef(ref);
    const checked = checkCredentialValues(values);
    const fields = Object.keys(checked).sort().join(' ');
    if (fields.length > MAX_TAG_VALUE) {
      throw new PlugboardError(
        'Validation',
        `the credential field names take more than ${MAX_TAG_VALUE} characters together`,
      );
    }
    const secretString = JSON.stringify(checked);
    const tags = [{ Key: FIELDS_TAG, Value: fields }];
    const { client } = this.props;
    try {
      await client.send(
        new CreateSecretCommand({
          Name: secretId,
          SecretString: secretString,
          Tags: tags,
          KmsKeyId: this.props.kmsKeyId,
        }),
      );
      return;
    } catch (error) {
      if (!(error instanceof ResourceExistsException)) throw translate(error);
    }
    try {
      await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: secretString }));
      await client.send(new TagResourceCommand({ SecretId: secretId, Tags: tags }));
    } catch (error) {
      throw translate(error);
    }
  }

  async delete(ref: string): Promise<void> {
    try {
      await this.props.client.send(
        new DeleteSecretCommand({ SecretId: checkCredentialsRef(ref), ForceDeleteWithoutRecovery: true }),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw translate(error);
    }
  }

  async describe(ref: string): Promise<CredentialDescription | undefined> {
    try {
      const secret = await this.props.client.send(
        new DescribeSecretCommand({ SecretId: checkCredentialsRef(ref) }),
      );
      if (secret.DeletedDate) return undefined;
      const fields = secret.Tags?.find((tag) => tag.Key === FIELDS_TAG)?.Value ?? '';
      return {
        names: fields.split(' ').filter(Boolean),
        updatedAt: (secret.LastChangedDate ?? secret.CreatedDate ?? new Date(0)).toISOString(),
      };
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw translate(error);
    }
  }
}

/** The plugin function's side: reads its own instance's secret (its role allows only its prefix). */
export class SecretsManagerCredentialResolver implements CredentialResolver {
  constructor(private readonly props: { readonly client: SecretsManagerClient }) {}

  async resolve(ref: string): Promise<Record<string, string> | undefined> {
    const secretId = checkCredentialsRef(ref);
    let secretString: string | undefined;
    try {
      ({ SecretString: secretString } = await this.props.client.send(
        new GetSecretValueCommand({ SecretId: secretId }),
      ));
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return undefined;
      throw translate(error);
    }
    const unreadable = new PlugboardError(
      'Internal',
      `the secret ${secretId} is not a JSON object of string values`,
    );
    try {
      const values = parseCredentialValues(JSON.parse(secretString ?? ''));
      if (values) return values;
    } catch {
      // fall through: the value itself must not reach the message
    }
    throw unreadable;
  }
}

/** Secrets Manager's errors in the platform's terms; their messages name secrets, never values. */
function translate(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof PlugboardError) return error;
  switch (error.name) {
    case 'InvalidRequestException':
      // Most often: the same name was force-deleted moments ago and is still being removed.
      return new PlugboardError(
        'Unavailable',
        'the secret is being changed or deleted; retry in a few seconds',
        {
          retryAt: new Date(Date.now() + 5_000),
        },
      );
    case 'ThrottlingException':
    case 'InternalServiceError':
      return new PlugboardError('Unavailable', 'Secrets Manager is unavailable; retry shortly');
    case 'AccessDeniedException':
      return new PlugboardError('Forbidden', 'this function may not use that secret');
    default:
      return error;
  }
}
