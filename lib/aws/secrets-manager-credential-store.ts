import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { checkCredentialsRef, checkCredentialValues, parseCredentialValues } from '../core/credential-values';
import type { CredentialResolver, CredentialStore } from '../core/ports';
import { PlugboardError } from '../sdk/errors';
import { type Connection, connection, isSdkError, secretsManagerSdk } from './lazy-sdk';

/**
 * Tag holding the field names (space separated), so an operator sees in the console which fields a
 * secret holds without reading its value; checkCredentialValues keeps them within a tag value's length.
 */
export const FIELDS_TAG = 'plugboard:fields';

export interface SecretsManagerCredentialStoreProps {
  /** @default a client made on first use, the SDK loaded then */
  readonly client?: SecretsManagerClient;
  /** KMS key for new secrets. @default the account's aws/secretsmanager key */
  readonly kmsKeyId?: string | undefined;
}

type SecretsManager = Connection<typeof import('@aws-sdk/client-secrets-manager'), SecretsManagerClient>;

const connect = (client: SecretsManagerClient | undefined): SecretsManager =>
  connection(secretsManagerSdk, (sdk) => client ?? new sdk.SecretsManagerClient({}));

/**
 * The dispatcher's side of Secrets Manager: create, put and delete; it never reads a value (its role
 * has no GetSecretValue, nor DescribeSecret). Needs CreateSecret, PutSecretValue, TagResource and
 * DeleteSecret on `plugboard/<stage>/*`.
 */
export class SecretsManagerCredentialStore implements CredentialStore {
  private readonly connection: SecretsManager;

  constructor(private readonly props: SecretsManagerCredentialStoreProps) {
    this.connection = connect(props.client);
  }

  async put(ref: string, values: Record<string, string>): Promise<void> {
    const secretId = checkCredentialsRef(ref);
    const checked = checkCredentialValues(values);
    const fields = Object.keys(checked).sort().join(' ');
    const secretString = JSON.stringify(checked);
    const tags = [{ Key: FIELDS_TAG, Value: fields }];
    const { sdk, client } = await this.connection();
    try {
      await client.send(
        new sdk.CreateSecretCommand({
          Name: secretId,
          SecretString: secretString,
          Tags: tags,
          KmsKeyId: this.props.kmsKeyId,
        }),
      );
      return;
    } catch (error) {
      if (!isSdkError(error, 'ResourceExistsException')) throw translate(error);
    }
    try {
      await client.send(new sdk.PutSecretValueCommand({ SecretId: secretId, SecretString: secretString }));
      await client.send(new sdk.TagResourceCommand({ SecretId: secretId, Tags: tags }));
    } catch (error) {
      throw translate(error);
    }
  }

  async delete(ref: string): Promise<void> {
    const secretId = checkCredentialsRef(ref);
    const { sdk, client } = await this.connection();
    try {
      await client.send(
        new sdk.DeleteSecretCommand({ SecretId: secretId, ForceDeleteWithoutRecovery: true }),
      );
    } catch (error) {
      if (!isSdkError(error, 'ResourceNotFoundException')) throw translate(error);
    }
  }
}

/** The plugin function's side: reads its own instance's secret (its role allows only its prefix). */
export class SecretsManagerCredentialResolver implements CredentialResolver {
  private readonly connection: SecretsManager;

  /** @param props.client @default a client made on first use, the SDK loaded then */
  constructor(props: { readonly client?: SecretsManagerClient } = {}) {
    this.connection = connect(props.client);
  }

  async resolve(ref: string): Promise<Record<string, string> | undefined> {
    const secretId = checkCredentialsRef(ref);
    const { sdk, client } = await this.connection();
    let secretString: string | undefined;
    try {
      ({ SecretString: secretString } = await client.send(
        new sdk.GetSecretValueCommand({ SecretId: secretId }),
      ));
    } catch (error) {
      if (isSdkError(error, 'ResourceNotFoundException')) return undefined;
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
