import {
  CreateSecretCommand,
  type CreateSecretCommandInput,
  DeleteSecretCommand,
  type DeleteSecretCommandInput,
  GetSecretValueCommand,
  type GetSecretValueCommandInput,
  PutSecretValueCommand,
  type PutSecretValueCommandInput,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
  type Tag,
  TagResourceCommand,
  type TagResourceCommandInput,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';

interface Secret {
  value: string;
  tags: Tag[];
}

/**
 * An in-memory Secrets Manager behind aws-sdk-client-mock, answering like the service does for the
 * calls the credential store and resolver make (errors included), so their code really runs.
 */
export function fakeSecretsManager() {
  const secrets = new Map<string, Secret>();
  const client = new SecretsManagerClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const mock = mockClient(client);
  const notFound = () =>
    new ResourceNotFoundException({
      message: "Secrets Manager can't find the specified secret.",
      $metadata: {},
    });
  const find = (id: string | undefined) => {
    const secret = secrets.get(id ?? '');
    if (!secret) throw notFound();
    return secret;
  };

  mock.on(CreateSecretCommand).callsFake((input: CreateSecretCommandInput) => {
    const name = input.Name ?? '';
    if (secrets.has(name)) {
      throw new ResourceExistsException({
        message: `The operation failed because the secret ${name} already exists.`,
        $metadata: {},
      });
    }
    secrets.set(name, { value: input.SecretString ?? '', tags: [...(input.Tags ?? [])] });
    return {
      ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`,
      Name: name,
      VersionId: 'v1',
    };
  });
  mock.on(PutSecretValueCommand).callsFake((input: PutSecretValueCommandInput) => {
    const secret = find(input.SecretId);
    secret.value = input.SecretString ?? '';
    return { Name: input.SecretId, VersionId: 'v2' };
  });
  mock.on(TagResourceCommand).callsFake((input: TagResourceCommandInput) => {
    const secret = find(input.SecretId);
    for (const tag of input.Tags ?? []) {
      secret.tags = [...secret.tags.filter((t) => t.Key !== tag.Key), tag];
    }
    return {};
  });
  mock.on(DeleteSecretCommand).callsFake((input: DeleteSecretCommandInput) => {
    find(input.SecretId);
    if (!input.ForceDeleteWithoutRecovery) throw new Error('the fake only models forced deletion');
    secrets.delete(input.SecretId ?? '');
    return { Name: input.SecretId, DeletionDate: new Date() };
  });
  mock.on(GetSecretValueCommand).callsFake((input: GetSecretValueCommandInput) => {
    const secret = find(input.SecretId);
    return { Name: input.SecretId, SecretString: secret.value, VersionStages: ['AWSCURRENT'] };
  });

  return { client, mock, secrets };
}
