import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { everyItem } from '../core/every-item';
import { DELETE_CLAIM_EXPIRY_MS } from '../core/instances/announcements';
import { newGeneration } from '../core/instances/generation';
import { sameInstance } from '../core/instances/if-match';
import { versionConflict } from '../core/instances/version-conflict';
import type {
  AnnouncingInstance,
  ExpectedInstance,
  HeldAnnouncement,
  InstanceChanges,
  InstanceRecord,
  InstanceWriteOptions,
  NewInstance,
  Page,
  PageRequest,
  PluginRecord,
  Registry,
  ReleaseOptions,
  StoreOwner,
} from '../core/ports';
import type { StoredItem, StoreListOptions } from '../sdk/context';
import { PlugboardError } from '../sdk/errors';
import { DynamoDbPluginStorage } from './dynamodb-plugin-storage';
import { checkInstanceName, checkSlug } from './item-checks';
import type { Item } from './query-page';
import { isConditionFailure } from './registry-errors';
import {
  ANNOUNCEMENTS_PARTITION,
  ANNOUNCING_ATTRIBUTE,
  announcementFromItem,
  announcementItem,
  announcementKey,
  announcementMark,
  announcingOf,
  checkInstanceChanges,
  checkNewInstance,
  DELETING_ATTRIBUTE,
  INSTANCES_PARTITION,
  instanceFromItem,
  instanceItem,
  instanceKey,
  instancesOfPlugin,
  LANDED_ATTRIBUTE,
  markedAnnouncementKey,
  marksOf,
  PLUGINS_PARTITION,
  pluginFromItem,
  pluginItem,
  pluginKey,
} from './registry-items';
import { REGISTRY_TABLE, TABLE_KEY } from './registry-table';
import { partitionIs, RegistryTableClient, type RegistryTableProps } from './registry-table-client';

const INDEX = REGISTRY_TABLE.indexes[0];
const INDEX_KEY = ['pk', 'sk', INDEX.partitionKey, INDEX.sortKey] as const;

/**
 * The registry over one DynamoDB table (key schema in registry-table.ts). Every write is one
 * conditional item write; instances carry a numeric `version` for optimistic concurrency, because
 * dynalite (the local table) has no transactions.
 */
export class DynamoDbRegistry implements Registry {
  private readonly table: RegistryTableClient;
  /** Plugin-owned storage, kept through the same client. */
  private readonly storage: DynamoDbPluginStorage;

  constructor(props: RegistryTableProps) {
    this.table = new RegistryTableClient(props);
    this.storage = new DynamoDbPluginStorage(this.table);
  }

  async putPlugin(record: PluginRecord): Promise<void> {
    await this.table.put(pluginItem(record));
  }

  async getPlugin(slug: string): Promise<PluginRecord | undefined> {
    if (typeof slug !== 'string' || slug.includes('#')) return undefined;
    const item = await this.table.get(pluginKey(slug));
    return item && pluginFromItem(item);
  }

  async listPlugins(): Promise<PluginRecord[]> {
    const plugins: PluginRecord[] = [];
    const items = everyItem((page) =>
      this.table.query(
        { IndexName: INDEX.name, ...partitionIs(INDEX.partitionKey, PLUGINS_PARTITION) },
        page,
        INDEX_KEY,
        (key) => key.gsi1pk === PLUGINS_PARTITION,
      ),
    );
    for await (const item of items) plugins.push(pluginFromItem(item));
    return plugins;
  }

  async createInstance(instance: NewInstance, options: InstanceWriteOptions = {}): Promise<InstanceRecord> {
    const checked = checkNewInstance(instance);
    const now = new Date().toISOString();
    const item = instanceItem({
      ...checked,
      version: 1,
      createdAt: now,
      updatedAt: now,
      generation: newGeneration(),
    });
    const announcing =
      options.announcing === undefined
        ? {}
        : { [ANNOUNCING_ATTRIBUTE]: new Set([announcementMark(options.announcing)]) };
    try {
      await this.table.put({ ...item, ...announcing }, { ConditionExpression: 'attribute_not_exists(pk)' });
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new PlugboardError('NameTaken', `an instance named ${checked.name} already exists`);
      }
      throw error;
    }
    return instanceFromItem(item);
  }

  /** Every read is a consistent read, so one asked to be fresh is no different. */
  async getInstance(name: string): Promise<InstanceRecord | undefined> {
    if (!instanceNameIsValid(name)) return undefined;
    const item = await this.table.get(instanceKey(name));
    return item && instanceFromItem(item);
  }

  async listInstances(
    request: PageRequest & { plugin?: string | undefined } = {},
  ): Promise<Page<InstanceRecord>> {
    const plugin = request.plugin === undefined ? undefined : checkSlug(request.plugin);
    const input: Partial<QueryCommandInput> = { IndexName: INDEX.name };
    if (plugin === undefined) {
      Object.assign(input, partitionIs(INDEX.partitionKey, INSTANCES_PARTITION));
    } else {
      input.KeyConditionExpression = '#p = :p AND begins_with(#s, :prefix)';
      input.ExpressionAttributeNames = { '#p': INDEX.partitionKey, '#s': INDEX.sortKey };
      input.ExpressionAttributeValues = { ':p': INSTANCES_PARTITION, ':prefix': instancesOfPlugin(plugin) };
    }
    const page = await this.table.query(
      input,
      request,
      INDEX_KEY,
      (key) =>
        key.gsi1pk === INSTANCES_PARTITION &&
        (plugin === undefined || (key.gsi1sk ?? '').startsWith(instancesOfPlugin(plugin))),
    );
    return { items: page.items.map(instanceFromItem), nextCursor: page.nextCursor };
  }

  /**
   * Sets the record's attributes one by one, not a put of the whole item: a put would drop the
   * announcements other writes' items carry, which are released without a new version. Conditioned
   * on the generation as well as the version: an instance deleted and created again in between is
   * at version 1 again, and must not take changes made from the one before.
   */
  async updateInstance(
    name: string,
    changes: InstanceChanges,
    expected: ExpectedInstance,
    options: InstanceWriteOptions = {},
  ): Promise<InstanceRecord> {
    const checked = checkInstanceChanges(changes);
    checkVersion(expected.version);
    const current = await this.getInstance(name);
    if (!current) throw notFound(name);
    if (!sameInstance(current, expected)) throw versionConflict(name, current, [expected]);
    const defined = Object.fromEntries(Object.entries(checked).filter(([, value]) => value !== undefined));
    const item = instanceItem({
      ...current,
      ...defined,
      version: current.version + 1,
      updatedAt: new Date().toISOString(),
    });
    const attributes = Object.entries(item).filter(([attribute]) => !TABLE_KEY.includes(attribute as 'pk'));
    const names: Record<string, string> = { '#v': 'version', '#g': 'generation' };
    const values: Record<string, unknown> = { ':expected': expected.version };
    if (expected.generation !== undefined) values[':g'] = expected.generation;
    attributes.forEach(([attribute, value], i) => {
      names[`#a${i}`] = attribute;
      values[`:a${i}`] = value;
    });
    let expression = `SET ${attributes.map((_, i) => `#a${i} = :a${i}`).join(', ')}`;
    if (options.announcing !== undefined) {
      names['#announcing'] = ANNOUNCING_ATTRIBUTE;
      values[':announcing'] = new Set([announcementMark(options.announcing)]);
      expression += ' ADD #announcing :announcing';
    }
    try {
      await this.table.attempt((db, sdk) =>
        db.send(
          new sdk.UpdateCommand({
            TableName: this.table.tableName,
            Key: instanceKey(current.name),
            UpdateExpression: expression,
            ConditionExpression: `attribute_exists(pk) AND #v = :expected AND ${generationIs(expected.generation)}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      );
    } catch (error) {
      if (isConditionFailure(error)) throw await this.whyNot(name, expected);
      throw error;
    }
    return instanceFromItem(item);
  }

  /**
   * Read, then deleted at the version read: the announcements the item carries are marked landed in
   * between, and a write that lands meanwhile fails the delete (VersionConflict, or NotFound).
   */
  async deleteInstance(
    name: string,
    expected?: ExpectedInstance,
    options: InstanceWriteOptions = {},
  ): Promise<InstanceRecord> {
    if (expected !== undefined) checkVersion(expected.version);
    if (!instanceNameIsValid(name)) throw notFound(name);
    const own: Claimant | undefined = options.announcing && {
      mark: announcementMark(options.announcing),
      generation: options.announcing.generation,
    };
    const { item, version } = await this.toDelete(name, expected, own);
    const record = instanceFromItem(item);
    for (const mark of [...marksOf(item), ...(own === undefined ? [] : [own.mark])])
      await this.markLanded(mark, record.createdAt);
    try {
      await this.table.attempt((db, sdk) =>
        db.send(
          new sdk.DeleteCommand({
            TableName: this.table.tableName,
            Key: instanceKey(name),
            // The generation read too: a name deleted and created again meanwhile is at version 1 again.
            ConditionExpression: `#v = :v AND ${generationIs(record.generation)} AND ${own === undefined ? 'attribute_not_exists(#d)' : '#d = :own'}`,
            ExpressionAttributeNames: { '#v': 'version', '#g': 'generation', '#d': DELETING_ATTRIBUTE },
            ExpressionAttributeValues: {
              ':v': version,
              ...(record.generation === undefined ? {} : { ':g': record.generation }),
              ...(own === undefined ? {} : { ':own': own.mark }),
            },
          }),
        ),
      );
    } catch (error) {
      if (isConditionFailure(error))
        throw await this.whyNot(name, { version, generation: record.generation });
      throw error;
    }
    return record;
  }

  /**
   * The item as the delete finds it, claimed when the delete is announced. A claim older than
   * DELETE_CLAIM_EXPIRY_MS is released first, as recovery would release it: its delete died.
   */
  private async toDelete(
    name: string,
    expected: ExpectedInstance | undefined,
    own: Claimant | undefined,
  ): Promise<{ item: Item; version: number }> {
    // A claim at the version expected reads the item as it writes it (the claim holds the generation).
    let found =
      own !== undefined && expected !== undefined && expected.generation === own.generation
        ? await this.claim(name, own, expected.version)
        : { current: await this.table.get(instanceKey(name)) };
    for (let attempt = 1; ; attempt++) {
      if ('claimed' in found) return { item: found.claimed, version: Number(found.claimed.version) };
      const { current } = found;
      if (!current) throw notFound(name);
      if (own !== undefined && current.generation !== own.generation) throw remade(name);
      const version = Number(current.version);
      const generation = typeof current.generation === 'string' ? current.generation : undefined;
      if (expected !== undefined && !sameInstance({ version, generation }, expected))
        throw versionConflict(name, { version, generation }, [expected]);
      const claimant = current[DELETING_ATTRIBUTE];
      if (typeof claimant === 'string') {
        if (!abandoned(claimant) || attempt >= CLAIM_ATTEMPTS) throw beingDeleted(name);
        await this.releaseClaim(name, claimant);
        await this.dropAnnouncement(claimant);
        found = { current: await this.table.get(instanceKey(name)) };
      } else if (own === undefined) {
        return { item: current, version };
      } else {
        if (attempt >= CLAIM_ATTEMPTS) throw beingDeleted(name);
        found = await this.claim(name, own, version);
      }
    }
  }

  /**
   * One delete at a time: the claim changes no version, and a write that does fails the delete.
   * Refused, it answers the item as it is now, for the caller to tell why.
   */
  private async claim(
    name: string,
    own: Claimant,
    version: number,
  ): Promise<{ claimed: Item } | { current: Item | undefined }> {
    try {
      const { Attributes } = await this.table.attempt((db, sdk) =>
        db.send(
          new sdk.UpdateCommand({
            TableName: this.table.tableName,
            Key: instanceKey(name),
            UpdateExpression: 'SET #d = :mark',
            ConditionExpression: `attribute_exists(pk) AND #v = :v AND ${generationIs(own.generation)} AND attribute_not_exists(#d)`,
            ExpressionAttributeNames: { '#v': 'version', '#d': DELETING_ATTRIBUTE, '#g': 'generation' },
            ExpressionAttributeValues: {
              ':v': version,
              ':mark': own.mark,
              ...(own.generation === undefined ? {} : { ':g': own.generation }),
            },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      );
      return { claimed: Attributes as Item };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { current: await this.table.get(instanceKey(name)) };
    }
  }

  /** A held announcement released meanwhile was published: it is left alone. */
  private async markLanded(mark: string, createdAt: string): Promise<void> {
    await this.updateIfExists(
      markedAnnouncementKey(mark),
      'SET #landed = :createdAt',
      { '#landed': LANDED_ATTRIBUTE },
      { ':createdAt': createdAt },
    );
  }

  async holdAnnouncement(announcement: HeldAnnouncement): Promise<void> {
    await this.table.put(announcementItem(announcement));
  }

  async listAnnouncements(heldBefore: string, request: PageRequest = {}): Promise<Page<HeldAnnouncement>> {
    const page = await this.table.query(
      {
        KeyConditionExpression: 'pk = :p AND sk < :before',
        ExpressionAttributeValues: { ':p': ANNOUNCEMENTS_PARTITION, ':before': heldBefore },
      },
      request,
      TABLE_KEY,
      (key) => key.pk === ANNOUNCEMENTS_PARTITION,
    );
    return { items: page.items.map(announcementFromItem), nextCursor: page.nextCursor };
  }

  async getAnnouncing(name: string): Promise<AnnouncingInstance | undefined> {
    if (!instanceNameIsValid(name)) return undefined;
    const item = await this.table.get(instanceKey(name));
    return item && { record: instanceFromItem(item), announcing: announcingOf(item) };
  }

  async getAnnouncement(
    announcement: Pick<HeldAnnouncement, 'heldAt' | 'event'>,
  ): Promise<HeldAnnouncement | undefined> {
    const item = await this.table.get(announcementKey(announcement));
    return item && announcementFromItem(item);
  }

  async releaseAnnouncement(announcement: HeldAnnouncement, options: ReleaseOptions = {}): Promise<void> {
    const mark = announcementMark(announcement);
    if (announcement.write !== 'delete') {
      await this.updateIfExists(
        instanceKey(announcement.instance),
        'DELETE #a :marks',
        { '#a': ANNOUNCING_ATTRIBUTE },
        { ':marks': new Set([mark]) },
      );
    } else if (!options.landed) {
      await this.releaseClaim(announcement.instance, mark);
    }
    await this.dropAnnouncement(mark);
  }

  /**
   * A delete's `landed` mark goes before its claim: a claim left without it is settled as not
   * landed, whoever deletes the instance later.
   */
  private async releaseClaim(instance: string, mark: string): Promise<void> {
    await this.updateIfExists(markedAnnouncementKey(mark), 'REMOVE #landed', {
      '#landed': LANDED_ATTRIBUTE,
    });
    await this.updateIfExists(
      instanceKey(instance),
      'REMOVE #d',
      { '#d': DELETING_ATTRIBUTE },
      { ':mark': mark },
      '#d = :mark',
    );
  }

  private async dropAnnouncement(mark: string): Promise<void> {
    await this.table.attempt((db, sdk) =>
      db.send(
        new sdk.DeleteCommand({
          TableName: this.table.tableName,
          Key: markedAnnouncementKey(mark),
        }),
      ),
    );
  }

  /** An update of an item that exists (one of a missing key would make it), and meets `condition`. */
  private async updateIfExists(
    key: Record<string, string>,
    update: string,
    names: Record<string, string>,
    values?: Record<string, unknown>,
    condition?: string,
  ): Promise<void> {
    try {
      await this.table.attempt((db, sdk) =>
        db.send(
          new sdk.UpdateCommand({
            TableName: this.table.tableName,
            Key: key,
            UpdateExpression: update,
            ConditionExpression: ['attribute_exists(pk)', ...(condition ? [condition] : [])].join(' AND '),
            ExpressionAttributeNames: names,
            ...(values ? { ExpressionAttributeValues: values } : {}),
          }),
        ),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  storeGet(owner: StoreOwner, key: string): Promise<StoredItem | undefined> {
    return this.storage.storeGet(owner, key);
  }

  storePut(owner: StoreOwner, key: string, value: unknown): Promise<StoredItem> {
    return this.storage.storePut(owner, key, value);
  }

  storeDelete(owner: StoreOwner, key: string): Promise<void> {
    return this.storage.storeDelete(owner, key);
  }

  storeList(owner: StoreOwner, options?: StoreListOptions): Promise<Page<StoredItem>> {
    return this.storage.storeList(owner, options);
  }

  /** After a failed conditional write: was the instance gone, at another version, or another one? */
  private async whyNot(name: string, expected: ExpectedInstance): Promise<PlugboardError> {
    const current = await this.getInstance(name);
    if (!current) return notFound(name);
    return versionConflict(name, current, [expected]);
  }
}

function instanceNameIsValid(name: unknown): name is string {
  try {
    checkInstanceName(name);
    return true;
  } catch {
    return false;
  }
}

function checkVersion(version: unknown): void {
  if (!Number.isSafeInteger(version) || (version as number) < 1) {
    throw new PlugboardError('Validation', 'the expected version must be a positive integer', {
      errors: [{ pointer: '/version', detail: 'must be a positive integer' }],
    });
  }
}

/** Which delete claims an instance: its announcement's mark, and the generation it may delete. */
interface Claimant {
  mark: string;
  generation: string | undefined;
}

/** Claims tried, each after a refusal that a claim released or made meanwhile explains, before InUse. */
const CLAIM_ATTEMPTS = 3;

/** A claim's age is its announcement's (a mark begins with its `heldAt`). */
const abandoned = (mark: string): boolean =>
  Date.now() - Date.parse(mark.slice(0, mark.lastIndexOf('#'))) > DELETE_CLAIM_EXPIRY_MS;

const notFound = (name: string) => new PlugboardError('NotFound', `no instance named ${name}`);

const remade = (name: string) =>
  new PlugboardError(
    'NotFound',
    `instance ${name} was deleted meanwhile; the instance of that name now is another one`,
  );

const beingDeleted = (name: string) =>
  new PlugboardError('InUse', `instance ${name} is being deleted by another request; retry shortly`);

/** A condition on the item's generation (`#g`, the value `:g`): an instance's made before generations has none. */
const generationIs = (generation: string | undefined): string =>
  generation === undefined ? 'attribute_not_exists(#g)' : '#g = :g';
