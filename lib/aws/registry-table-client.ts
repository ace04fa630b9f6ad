import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient, PutCommandInput, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { Page, PageRequest } from '../core/ports';
import { type Connection, connection, documentSdk, dynamoDbSdk } from './lazy-sdk';
import type { PageKey } from './page-cursor';
import { type Item, queryPage } from './query-page';
import { registryError } from './registry-errors';

export interface RegistryTableProps {
  /** @default a client made on first use, the SDK loaded then */
  readonly client?: DynamoDBClient;
  readonly tableName: string;
}

type DocumentSdk = typeof import('@aws-sdk/lib-dynamodb');

/**
 * The registry table as its adapters call it (DynamoDbRegistry, DynamoDbPluginStorage): one document
 * client, made on the first call, and every call's errors in the platform's terms (registry-errors.ts).
 */
export class RegistryTableClient {
  readonly tableName: string;
  private readonly connection: Connection<DocumentSdk, DynamoDBDocumentClient>;

  constructor(props: RegistryTableProps) {
    this.tableName = props.tableName;
    this.connection = connection(documentSdk, async (sdk) =>
      sdk.DynamoDBDocumentClient.from(props.client ?? new (await dynamoDbSdk()).DynamoDBClient({})),
    );
  }

  /** Writes the whole item, on `condition` if one is given (its failure is left to the caller). */
  async put(item: Item, condition: Omit<PutCommandInput, 'TableName' | 'Item'> = {}): Promise<void> {
    await this.attempt((db, sdk) =>
      db.send(new sdk.PutCommand({ TableName: this.tableName, Item: item, ...condition })),
    );
  }

  async get(key: Record<string, string>): Promise<Item | undefined> {
    const { Item } = await this.attempt((db, sdk) =>
      db.send(new sdk.GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
    );
    return Item;
  }

  query(
    input: Partial<QueryCommandInput>,
    request: PageRequest,
    keyAttributes: readonly string[],
    belongs: (key: PageKey) => boolean,
  ): Promise<Page<Item>> {
    return this.attempt((db) =>
      queryPage(db, { TableName: this.tableName, ...input }, request, keyAttributes, belongs),
    );
  }

  /** Runs a call with the document client, its errors in the platform's terms. */
  async attempt<T>(run: (db: DynamoDBDocumentClient, sdk: DocumentSdk) => Promise<T>): Promise<T> {
    try {
      const { sdk, client } = await this.connection();
      return await run(client, sdk);
    } catch (error) {
      throw registryError(error);
    }
  }
}

/** A query's key condition: `attribute` equals `value`. */
export function partitionIs(attribute: string, value: string): Partial<QueryCommandInput> {
  return {
    KeyConditionExpression: '#p = :p',
    ExpressionAttributeNames: { '#p': attribute },
    ExpressionAttributeValues: { ':p': value },
  };
}
